package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
	"github.com/switchyard/switchyard/workflows"
)

// TestReplayRerunsTerminatedAndTimedOut: besides failed runs, a replay
// re-runs events whose run an operator terminated or that hit a timeout,
// from the recorded input, and paces its starts at the rate asked for.
func TestReplayRerunsTerminatedAndTimedOut(t *testing.T) {
	ctx := context.Background()
	queue := fmt.Sprintf("replay-closed-%d", time.Now().UnixNano())
	route := workflows.Route{Source: "github", EventType: "issues.opened", Workflow: flakyWorkflow, TaskQueue: queue}
	input := func(delivery string) workflows.EventInput {
		return workflows.EventInput{Source: "github", EventID: delivery, Type: "issues.opened", ObjectID: "acme/replay#9",
			ReceivedAt: time.Now(), Payload: []byte(`{"action":"opened","delivery":"` + delivery + `"}`)}
	}

	// No worker polls the queue yet, so both runs stay open until closed below.
	terminatedIn := input(fmt.Sprintf("term-%d", time.Now().UnixNano()))
	terminated := ingress.GitHubWorkflowID("9", terminatedIn.EventID)
	_, err := ingress.TemporalStarter{Client: stack.client}.Start(ctx, ingress.StartRequest{
		WorkflowID: terminated, Route: route, Summary: "github issues.opened (terminated)", Input: terminatedIn})
	require.NoError(t, err)
	require.NoError(t, stack.client.TerminateWorkflow(ctx, terminated, "", "operator stopped it"))

	// The ingress sets no execution timeout; a run that has one (started by
	// other tooling, or a reset) times out like this.
	timedOutIn := input(fmt.Sprintf("timeout-%d", time.Now().UnixNano()))
	timedOut := ingress.GitHubWorkflowID("9", timedOutIn.EventID)
	first, err := stack.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: timedOut, TaskQueue: queue, WorkflowExecutionTimeout: time.Second,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.SourceKey.ValueSet("github"), workflows.EventTypeKey.ValueSet("issues.opened")),
	}, flakyWorkflow, timedOutIn)
	require.NoError(t, err)

	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, waitClosed(t, terminated))
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, waitClosed(t, timedOut))

	startFlakyWorker(t, stack.client, queue) // the cause is fixed: a worker is back
	const replayRate = 2                     // starts per second
	began := time.Now()
	sum, err := ops.Replay(ctx, stack.client, ops.ReplayOptions{WorkflowIDs: []string{terminated, timedOut}, Rate: replayRate})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{terminated, timedOut}, sum.Replayed, sum.String())
	// The limiter lets the first start through at once and spaces the next
	// by 1/rate: a lower bound, which a slow machine can only exceed.
	assert.GreaterOrEqual(t, time.Since(began), 400*time.Millisecond, "two starts at %d/s", replayRate)

	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, terminated))
	var got string
	require.NoError(t, stack.client.GetWorkflow(ctx, terminated, "").Get(ctx, &got))
	assert.Equal(t, string(terminatedIn.Payload), got, "the replay ran on the recorded payload")

	// The timed-out event has a new run on the same recorded input. (It
	// keeps the recorded 1 s timeout, so whether it now finishes in time
	// depends on the machine; that it was started again does not.)
	d, err := stack.client.DescribeWorkflowExecution(ctx, timedOut, "")
	require.NoError(t, err)
	assert.NotEqual(t, first.GetRunID(), d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), "a new run")
	for _, wid := range []string{terminated, timedOut} {
		require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(2), executions(t, wid)) }, 20*time.Second, 200*time.Millisecond)
	}
}
