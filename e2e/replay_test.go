package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
	"github.com/switchyard/switchyard/workflows"
)

// TestReplayAfterFixingTheCause: events fail while a downstream call rejects
// its credentials (a permanent failure); the cause is fixed; a replay by
// visibility query re-runs them from their recorded input and they complete,
// once each, keeping their search attributes and summary.
func TestReplayAfterFixingTheCause(t *testing.T) {
	ctx := context.Background()
	queue := fmt.Sprintf("replay-e2e-%d", time.Now().UnixNano())
	downstream := startFlakyWorker(t, stack.client, queue)
	downstream.broken.Store(true)
	route := workflows.Route{Source: "github", EventType: "issues.opened", Workflow: flakyWorkflow, TaskQueue: queue}

	starter := ingress.TemporalStarter{Client: stack.client}
	var wids, payloads []string
	for i, n := range []int{71, 72} {
		delivery := fmt.Sprintf("replay-%d-%d", i, time.Now().UnixNano())
		wid := ingress.GitHubWorkflowID("9", delivery)
		payload := fmt.Sprintf(`{"action":"opened","issue":{"number":%d,"title":"Replay me"},"repository":{"name":"replay","full_name":"acme/replay","owner":{"login":"acme"}}}`, n)
		_, err := starter.Start(ctx, ingress.StartRequest{WorkflowID: wid, Route: route, Summary: "github issues.opened acme/replay#" + fmt.Sprint(n),
			Input: workflows.EventInput{Source: "github", EventID: delivery, Type: "issues.opened", ObjectID: fmt.Sprintf("acme/replay#%d", n), ReceivedAt: time.Now(), Payload: []byte(payload)}})
		require.NoError(t, err)
		wids, payloads = append(wids, wid), append(payloads, payload)
	}
	for _, wid := range wids {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, waitClosed(t, wid))
	}
	downstream.broken.Store(false) // the credentials are fixed

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
		var got string
		require.NoError(t, stack.client.GetWorkflow(ctx, wid, "").Get(ctx, &got))
		assert.Equal(t, payloads[i], got, "the replay ran on the recorded payload, byte for byte")
		d, err := stack.client.DescribeWorkflow(ctx, wid, "")
		require.NoError(t, err)
		src, _ := d.TypedSearchAttributes.GetKeyword(workflows.SourceKey)
		typ, _ := d.TypedSearchAttributes.GetKeyword(workflows.EventTypeKey)
		obj, _ := d.TypedSearchAttributes.GetKeyword(workflows.ObjectIDKey)
		summary, _ := d.GetStaticSummary()
		assert.Equal(t, "github", src)
		assert.Equal(t, "issues.opened", typ)
		assert.Equal(t, fmt.Sprintf("acme/replay#%d", 71+i), obj)
		assert.Equal(t, fmt.Sprintf("github issues.opened acme/replay#%d", 71+i), summary)
		assert.Equal(t, queue, d.TaskQueueName)
		assert.Equal(t, flakyWorkflow, d.WorkflowType.Name)
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
