// Package ops holds Switchyard's operator tools: replaying event workflows
// from their recorded input and sending signed sample events.
package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/time/rate"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// DefaultReplayRate is how many starts per second a replay makes unless told.
const DefaultReplayRate = 10

// ReplayOptions selects the events to replay and how.
type ReplayOptions struct {
	Query       string   // a visibility query; every matching workflow ID is considered once
	WorkflowIDs []string // explicit workflow IDs, e.g. from ingress.WorkflowIDFor
	Force       bool     // also re-run completed (and canceled) events
	DryRun      bool     // list what would be replayed, start nothing
	Rate        float64  // starts per second (default DefaultReplayRate)
	Out         io.Writer
}

// ReplaySummary is what a replay did, by outcome.
type ReplaySummary struct {
	Considered int
	Replayed   []string          // workflow IDs started again (or that would be, in a dry run)
	Skipped    map[string]string // workflow ID → reason
	Failed     map[string]string // workflow ID → error
}

func (s ReplaySummary) String() string {
	reasons := map[string]int{}
	for _, r := range s.Skipped {
		reasons[r]++
	}
	var parts []string
	for r, n := range reasons {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(parts)
	out := fmt.Sprintf("considered %d, replayed %d, skipped %d, failed %d", s.Considered, len(s.Replayed), len(s.Skipped), len(s.Failed))
	if len(parts) > 0 {
		out += " (skipped: " + strings.Join(parts, ", ") + ")"
	}
	return out
}

// replayable are the closed states a replay re-runs without --force.
var replayable = map[enumspb.WorkflowExecutionStatus]bool{
	enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:     true,
	enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:  true,
	enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED: true,
}

// Replay re-runs event workflows from their recorded input: a new run with
// the same ID, type, task queue, input, search attributes and summary. Only
// the latest run of each ID counts, so a replayed event that then completed
// is not replayed again.
func Replay(ctx context.Context, c client.Client, opts ReplayOptions) (ReplaySummary, error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultReplayRate
	}
	ids := append([]string(nil), opts.WorkflowIDs...)
	if opts.Query != "" {
		found, err := listIDs(ctx, c, opts.Query)
		if err != nil {
			return ReplaySummary{}, err
		}
		ids = append(ids, found...)
	}
	sum := ReplaySummary{Skipped: map[string]string{}, Failed: map[string]string{}}
	limiter := rate.NewLimiter(rate.Limit(opts.Rate), 1)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		sum.Considered++
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		src, reason, err := load(ctx, c, id, opts.Force)
		switch {
		case err != nil:
			sum.Failed[id] = err.Error()
			fmt.Fprintf(opts.Out, "FAIL   %s: %v\n", id, err)
			continue
		case reason != "":
			sum.Skipped[id] = reason
			fmt.Fprintf(opts.Out, "skip   %s: %s\n", id, reason)
			continue
		}
		if opts.DryRun {
			sum.Replayed = append(sum.Replayed, id)
			fmt.Fprintf(opts.Out, "would  %s (%s, %s)\n", id, ingress.StatusName(src.status), src.summary)
			continue
		}
		if err := limiter.Wait(ctx); err != nil {
			return sum, err
		}
		runID, reason, err := start(ctx, c, src, opts.Force)
		switch {
		case err != nil:
			sum.Failed[id] = err.Error()
			fmt.Fprintf(opts.Out, "FAIL   %s: %v\n", id, err)
		case reason != "":
			sum.Skipped[id] = reason
			fmt.Fprintf(opts.Out, "skip   %s: %s\n", id, reason)
		default:
			sum.Replayed = append(sum.Replayed, id)
			fmt.Fprintf(opts.Out, "replay %s (was %s) → run %s\n", id, ingress.StatusName(src.status), runID)
		}
	}
	return sum, nil
}

// listIDs pages through a visibility query.
func listIDs(ctx context.Context, c client.Client, query string) ([]string, error) {
	var ids []string
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 500, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list workflows (%s): %w", query, err)
		}
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return ids, nil
		}
	}
}

// recorded is an event workflow's latest run as it was started.
type recorded struct {
	id, runID, workflowType, taskQueue, summary string
	status                                      enumspb.WorkflowExecutionStatus
	input                                       *commonpb.Payloads
	attrs                                       []temporal.SearchAttributeUpdate
	timeouts                                    [3]*durationpb.Duration
}

// load reads the latest run and decides whether it may be replayed; reason
// says why not.
func load(ctx context.Context, c client.Client, id string, force bool) (recorded, string, error) {
	d, err := c.DescribeWorkflow(ctx, id, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return recorded{}, "not found", nil
	}
	if err != nil {
		return recorded{}, "", fmt.Errorf("describe: %w", err)
	}
	r := recorded{id: id, runID: d.WorkflowExecution.RunID, workflowType: d.WorkflowType.Name, taskQueue: d.TaskQueueName, status: d.Status}
	source, ok := d.TypedSearchAttributes.GetKeyword(workflows.SourceKey)
	if !ok || source == "" {
		return r, "not an event workflow (no WebhookSource)", nil
	}
	switch {
	case d.Status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return r, "still running", nil
	case replayable[d.Status]:
	case force && (d.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED || d.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED):
	default:
		return r, ingress.StatusName(d.Status) + " (use --force to re-run)", nil
	}
	for _, key := range []temporal.SearchAttributeKeyKeyword{workflows.SourceKey, workflows.EventTypeKey, workflows.ObjectIDKey} {
		if v, ok := d.TypedSearchAttributes.GetKeyword(key); ok && v != "" {
			r.attrs = append(r.attrs, key.ValueSet(v))
		}
	}
	r.summary, _ = d.GetStaticSummary()
	it := c.GetWorkflowHistory(ctx, id, r.runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return r, "", errors.New("history is empty")
	}
	first, err := it.Next()
	if err != nil {
		return r, "", fmt.Errorf("read history: %w", err)
	}
	started := first.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return r, "", errors.New("first history event is not a start")
	}
	r.input = started.GetInput()
	r.timeouts = [3]*durationpb.Duration{started.GetWorkflowExecutionTimeout(), started.GetWorkflowRunTimeout(), started.GetWorkflowTaskTimeout()}
	return r, "", nil
}

// start runs the recorded workflow again under the same ID. The reuse policy
// is Temporal's own guard: FAILED_ONLY refuses to re-run a completed event
// even if it completed between load and start.
func start(ctx context.Context, c client.Client, r recorded, force bool) (runID, reason string, err error) {
	policy := enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
	if force {
		policy = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	}
	opts := client.StartWorkflowOptions{
		ID:                                       r.id,
		TaskQueue:                                r.taskQueue,
		WorkflowIDReusePolicy:                    policy,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    temporal.NewSearchAttributes(r.attrs...),
		StaticSummary:                            r.summary,
		WorkflowExecutionTimeout:                 r.timeouts[0].AsDuration(),
		WorkflowRunTimeout:                       r.timeouts[1].AsDuration(),
		WorkflowTaskTimeout:                      r.timeouts[2].AsDuration(),
	}
	// RawValue passes the recorded payloads through byte for byte.
	var args []any
	for _, p := range r.input.GetPayloads() {
		args = append(args, converter.NewRawValue(p))
	}
	run, err := c.ExecuteWorkflow(ctx, opts, r.workflowType, args...)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return "", "already running or completed meanwhile", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("start: %w", err)
	}
	return run.GetRunID(), "", nil
}
