package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

// Register adds the reconciliation workflows and activities to a worker on
// the event task queue (the provider activities they call are registered
// with their integrations).
func Register(w sdkworker.Registry, acts *Activities) {
	w.RegisterWorkflowWithOptions(Stripe, workflow.RegisterOptions{Name: StripeWorkflowName})
	w.RegisterWorkflowWithOptions(GitHub, workflow.RegisterOptions{Name: GitHubWorkflowName})
	w.RegisterActivity(acts)
}

// Schedule is one reconciliation schedule.
type Schedule struct {
	ID       string
	Workflow string
	Input    any
	Every    time.Duration
}

// Settings are what the schedules are built from (see config.Config).
type Settings struct {
	Interval     time.Duration // 0: no schedules
	Window       time.Duration
	StripeAPIKey string
	GitHubToken  string
	GitHubHooks  []activities.HookTarget
}

// Schedules are the schedules Settings call for: Stripe when a key is set,
// GitHub when a token and at least one hook are.
func Schedules(s Settings) []Schedule {
	if s.Interval <= 0 {
		return nil
	}
	var out []Schedule
	if s.StripeAPIKey != "" {
		out = append(out, Schedule{ID: StripeScheduleID, Workflow: StripeWorkflowName, Input: StripeInput{Window: s.Window}, Every: s.Interval})
	}
	if s.GitHubToken != "" && len(s.GitHubHooks) > 0 {
		out = append(out, Schedule{ID: GitHubScheduleID, Workflow: GitHubWorkflowName, Input: GitHubInput{Hooks: s.GitHubHooks, Window: s.Window}, Every: s.Interval})
	}
	return out
}

// EnsureSchedules creates each schedule, or, if it exists (another worker
// created it, or an earlier start), updates its spec and action to these
// while keeping its state: a schedule an operator paused stays paused.
func EnsureSchedules(ctx context.Context, c client.Client, schedules []Schedule, log *slog.Logger) error {
	for _, s := range schedules {
		spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.Every}}}
		action := &client.ScheduleWorkflowAction{
			ID: s.ID, Workflow: s.Workflow, Args: []any{s.Input}, TaskQueue: workflows.TaskQueue,
		}
		_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID: s.ID, Spec: spec, Action: action,
			// A run still going when the next is due is enough: skip.
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
			Note:    "created by switchyard worker: reconciles missed webhooks through the provider's API",
		})
		switch {
		case err == nil:
			log.Info("reconciliation schedule created", "schedule_id", s.ID, "every", s.Every.String())
			continue
		case !errors.Is(err, temporal.ErrScheduleAlreadyRunning):
			return fmt.Errorf("create schedule %s: %w", s.ID, err)
		}
		err = c.ScheduleClient().GetHandle(ctx, s.ID).Update(ctx, client.ScheduleUpdateOptions{
			DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				sched := in.Description.Schedule
				sched.Spec, sched.Action = &spec, action
				return &client.ScheduleUpdate{Schedule: &sched}, nil
			},
		})
		if err != nil {
			return fmt.Errorf("update schedule %s: %w", s.ID, err)
		}
		log.Info("reconciliation schedule up to date", "schedule_id", s.ID, "every", s.Every.String())
	}
	return nil
}

// ParseHooks reads GITHUB_RECONCILE_HOOKS entries: "owner/repo:hook id" for a
// repository hook, "org:hook id" for an organization hook.
func ParseHooks(entries []string) ([]activities.HookTarget, error) {
	var out []activities.HookTarget
	for _, e := range entries {
		target, idText, ok := strings.Cut(strings.TrimSpace(e), ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil || id <= 0 || target == "" {
			return nil, fmt.Errorf("GITHUB_RECONCILE_HOOKS: want owner/repo:hook-id or org:hook-id, got %q", e)
		}
		h := activities.HookTarget{HookID: id}
		if owner, repo, isRepo := strings.Cut(target, "/"); isRepo {
			if owner == "" || repo == "" || strings.Contains(repo, "/") {
				return nil, fmt.Errorf("GITHUB_RECONCILE_HOOKS: bad repository in %q", e)
			}
			h.Owner, h.Repo = owner, repo
		} else {
			h.Org = target
		}
		out = append(out, h)
	}
	return out, nil
}
