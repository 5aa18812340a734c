package reconcile

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

// RunStripe runs one Stripe reconciliation from since now and waits for its
// result. A worker must be running: the work is a workflow like the
// scheduled one, so it is durable and visible in the UI.
func RunStripe(ctx context.Context, c client.Client, since time.Time) (*StripeResult, error) {
	var res StripeResult
	err := runOnce(ctx, c, "stripe", StripeWorkflowName, StripeInput{Since: since}, &res)
	return &res, err
}

// RunGitHub is RunStripe for GitHub hooks.
func RunGitHub(ctx context.Context, c client.Client, since time.Time, hooks []activities.HookTarget) (*GitHubResult, error) {
	if len(hooks) == 0 {
		return nil, fmt.Errorf("reconcile github: no hooks (set GITHUB_RECONCILE_HOOKS)")
	}
	var res GitHubResult
	err := runOnce(ctx, c, "github", GitHubWorkflowName, GitHubInput{Hooks: hooks, Since: since}, &res)
	return &res, err
}

func runOnce(ctx context.Context, c client.Client, source, workflow string, in, out any) error {
	id := fmt.Sprintf("switchyard-reconcile-%s-manual-%d", source, time.Now().UnixNano())
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflow, in)
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	if err := run.Get(ctx, out); err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	return nil
}
