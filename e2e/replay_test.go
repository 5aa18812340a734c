package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
	"github.com/switchyard/switchyard/worker"
	"github.com/switchyard/switchyard/workflows"
)

// githubWorker runs the real workflows and activities on a private task queue
// with the given GitHub token.
func githubWorker(t *testing.T, queue, token string) sdkworker.Worker {
	t.Helper()
	cfg := stack.cfg
	cfg.GitHubToken = token
	acts, err := worker.NewActivities(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	w := sdkworker.New(stack.client, queue, sdkworker.Options{})
	worker.Register(w, acts)
	require.NoError(t, w.Start())
	return w
}

// TestReplayAfterFixingTheCause: events fail while the worker's GitHub token
// is wrong (401 is permanent); the token is fixed; a replay by visibility
// query re-runs them from their recorded input and they complete, once each.
func TestReplayAfterFixingTheCause(t *testing.T) {
	ctx := context.Background()
	queue := fmt.Sprintf("replay-e2e-%d", time.Now().UnixNano())
	route := workflows.Route{Source: "github", EventType: "issues.opened", Workflow: workflows.GitHubIssueWorkflow, TaskQueue: queue}
	broken := githubWorker(t, queue, "ghp_expired")

	starter := ingress.TemporalStarter{Client: stack.client}
	var wids []string
	for i, n := range []int{71, 72} {
		delivery := fmt.Sprintf("replay-%d-%d", i, time.Now().UnixNano())
		wid := ingress.GitHubWorkflowID("9", delivery)
		payload := fmt.Sprintf(`{"action":"opened","issue":{"number":%d,"title":"Replay me"},"repository":{"name":"replay","full_name":"acme/replay","owner":{"login":"acme"}}}`, n)
		_, err := starter.Start(ctx, ingress.StartRequest{WorkflowID: wid, Route: route, Summary: "github issues.opened acme/replay#" + fmt.Sprint(n),
			Input: workflows.EventInput{Source: "github", EventID: delivery, Type: "issues.opened", ObjectID: fmt.Sprintf("acme/replay#%d", n), ReceivedAt: time.Now(), Payload: []byte(payload)}})
		require.NoError(t, err)
		wids = append(wids, wid)
	}
	for _, wid := range wids {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, waitClosed(t, wid))
	}
	broken.Stop()
	fixed := githubWorker(t, queue, githubToken)
	defer fixed.Stop()

	query := fmt.Sprintf("WebhookSource = 'github' AND ExecutionStatus = 'Failed' AND TaskQueue = '%s'", queue)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := stack.client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		require.NoError(c, err)
		assert.Equal(c, int64(2), resp.GetCount())
	}, 20*time.Second, 200*time.Millisecond)

	// A dry run lists both and starts nothing.
	var out bytes.Buffer
	sum, err := ops.Replay(ctx, stack.client, ops.ReplayOptions{Query: query, DryRun: true, Out: &out})
	require.NoError(t, err)
	assert.ElementsMatch(t, wids, sum.Replayed)
	assert.Contains(t, out.String(), "would")
	for _, wid := range wids {
		d, err := stack.client.DescribeWorkflowExecution(ctx, wid, "")
		require.NoError(t, err)
		assert.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, d.GetWorkflowExecutionInfo().GetStatus(), "dry run started nothing")
	}

	sum, err = ops.Replay(ctx, stack.client, ops.ReplayOptions{Query: query, Rate: 5, Out: &out})
	require.NoError(t, err)
	assert.ElementsMatch(t, wids, sum.Replayed, out.String())
	assert.Empty(t, sum.Failed)
	for i, wid := range wids {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wid))
		assert.Len(t, stack.github.Comments("acme", "replay", 71+i), 1, "the replayed event commented once")
		d, err := stack.client.DescribeWorkflow(ctx, wid, "")
		require.NoError(t, err)
		src, _ := d.TypedSearchAttributes.GetKeyword(workflows.SourceKey)
		obj, _ := d.TypedSearchAttributes.GetKeyword(workflows.ObjectIDKey)
		summary, _ := d.GetStaticSummary()
		assert.Equal(t, "github", src)
		assert.Equal(t, fmt.Sprintf("acme/replay#%d", 71+i), obj)
		assert.Equal(t, fmt.Sprintf("github issues.opened acme/replay#%d", 71+i), summary)
		assert.Equal(t, queue, d.TaskQueueName)
	}

	// The same query again: the latest runs completed, so nothing re-runs.
	sum, err = ops.Replay(ctx, stack.client, ops.ReplayOptions{Query: query, Out: &out})
	require.NoError(t, err)
	assert.Empty(t, sum.Replayed)
	assert.Len(t, sum.Skipped, 2)
	for _, wid := range wids {
		require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(2), executions(t, wid)) }, 20*time.Second, 200*time.Millisecond)
	}
}

func TestReplaySkipsCompletedUnlessForced(t *testing.T) {
	ctx := context.Background()
	eventID := fmt.Sprintf("evt_replay_done_%d", time.Now().UnixNano())
	a := postStripe(t, stack.ingress.URL, stripePayload(eventID, "pi_replay"))
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID))
	wid, err := ingress.WorkflowIDFor("stripe", eventID)
	require.NoError(t, err)

	sum, err := ops.Replay(ctx, stack.client, ops.ReplayOptions{WorkflowIDs: []string{wid, "stripe:evt_nope"}})
	require.NoError(t, err)
	assert.Empty(t, sum.Replayed)
	assert.Contains(t, sum.Skipped[wid], "--force")
	assert.Equal(t, "not found", sum.Skipped["stripe:evt_nope"])
	assert.Contains(t, sum.String(), "replayed 0")

	sum, err = ops.Replay(ctx, stack.client, ops.ReplayOptions{WorkflowIDs: []string{wid}, Force: true})
	require.NoError(t, err)
	require.Equal(t, []string{wid}, sum.Replayed)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wid))
	d, err := stack.client.DescribeWorkflowExecution(ctx, wid, "")
	require.NoError(t, err)
	assert.NotEqual(t, a.RunID, d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), "a new run")
	require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(2), executions(t, wid)) }, 20*time.Second, 200*time.Millisecond)
}
