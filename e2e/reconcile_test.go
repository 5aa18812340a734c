package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
	"github.com/switchyard/switchyard/reconcile"
	"github.com/switchyard/switchyard/workflows"
)

// stripeMockEventID is the event stripe-mock lists for GET /v1/events (a
// fixture: stripe-mock keeps no state and ignores created[gte] and types[]).
const stripeMockEventID = "evt_1Pgc76B7WZ01zgkWwyRHS12y"

// reconcileRoutes are the default routes plus one for stripe-mock's fixture
// type, so the fixture plays an event the webhook missed.
func reconcileRoutes() []workflows.Route {
	return append(workflows.DefaultRoutes(), workflows.Route{
		Source: "stripe", EventType: "plan.created", Workflow: workflows.StripePaymentWorkflow, TaskQueue: workflows.TaskQueue})
}

// TestStripeReconcileStartsMissedEventsOnce: the ingress never saw the event;
// reconciliation starts it with the webhook's workflow ID; running it again
// (or on schedule) starts nothing more.
func TestStripeReconcileStartsMissedEventsOnce(t *testing.T) {
	ctx := context.Background()
	wid := "stripe:" + stripeMockEventID
	first, err := reconcile.RunStripe(ctx, stack.client, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, first.Listed)
	assert.Equal(t, 1, first.Started)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wid))
	d, err := stack.client.DescribeWorkflow(ctx, wid, "")
	require.NoError(t, err)
	src, _ := d.TypedSearchAttributes.GetKeyword(workflows.SourceKey)
	typ, _ := d.TypedSearchAttributes.GetKeyword(workflows.EventTypeKey)
	summary, _ := d.GetStaticSummary()
	assert.Equal(t, "stripe", src)
	assert.Equal(t, "plan.created", typ)
	assert.Contains(t, summary, "stripe plan.created price_")

	again, err := reconcile.RunStripe(ctx, stack.client, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, again.Started)
	assert.Equal(t, 1, again.Duplicates)
	require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(1), executions(t, wid)) }, 20*time.Second, 200*time.Millisecond)

	// Asking for more than the namespace keeps is cut to its retention.
	month, err := reconcile.RunStripe(ctx, stack.client, time.Now().Add(-30*24*time.Hour))
	require.NoError(t, err)
	assert.True(t, month.Clamped)
	assert.True(t, month.Since.After(time.Now().Add(-30*24*time.Hour)))
}

// TestStripeReconcileStartsOnlyWhatTheIngressMissed: of six events in the
// Stripe API's log, three reached the ingress as webhooks and three were
// missed (the ingress was down). Reconciliation starts exactly the missed
// three, under the webhook's workflow IDs; the received three dedupe; a
// second run starts nothing. Every event ends with one execution.
func TestStripeReconcileStartsOnlyWhatTheIngressMissed(t *testing.T) {
	ctx := context.Background()
	run := fmt.Sprintf("rec%d", time.Now().UnixNano())
	now := time.Now().Unix()
	var log []map[string]any
	var received, missed []string
	for i := range 6 {
		cus := map[string]any{"id": fmt.Sprintf("cus_%s_%d", run, i), "object": "customer",
			"email": fmt.Sprintf("%s-%d@example.com", run, i), "name": "Reconciled"}
		stack.stripe.Put(cus)
		evt := map[string]any{"id": fmt.Sprintf("evt_%s_%d", run, i), "object": "event", "type": "customer.updated",
			"api_version": "2023-10-16", "created": now - 600 + int64(i), "livemode": false, "data": map[string]any{"object": cus}}
		log = append(log, evt)
		if i%2 == 0 {
			body, err := json.Marshal(evt)
			require.NoError(t, err)
			a := postStripe(t, stack.ingress.URL, body)
			require.Equal(t, http.StatusOK, a.Status, a.Error)
			received = append(received, a.WorkflowID)
		} else {
			missed = append(missed, "stripe:"+evt["id"].(string))
		}
	}
	for _, wid := range received {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wid))
	}
	stack.stripe.ServeEvents(log)
	defer stack.stripe.ServeEvents(nil)

	res, err := reconcile.RunStripe(ctx, stack.client, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 6, res.Listed)
	assert.Equal(t, 3, res.Started, "the missed events")
	assert.Equal(t, 3, res.Duplicates, "the events the webhook delivered")
	for i, wid := range missed {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wid), "missed event %d", i)
		email := fmt.Sprintf("%s-%d@example.com", run, 2*i+1)
		assert.Len(t, stack.hubspot.Where("contacts", "email", email), 1, "the missed customer %s reached the CRM once", email)
	}

	again, err := reconcile.RunStripe(ctx, stack.client, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, again.Started)
	assert.Equal(t, 6, again.Duplicates)
	for _, wid := range append(received, missed...) {
		require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(1), executions(t, wid)) }, 20*time.Second, 200*time.Millisecond)
	}
}

// TestGitHubReconcileRedeliversMissedDeliveriesOnce: of a hook's deliveries,
// only the one that failed and was never recorded is redelivered; once GitHub
// delivered it, a second run redelivers nothing.
func TestGitHubReconcileRedeliversMissedDeliveriesOnce(t *testing.T) {
	ctx := context.Background()
	repo := fmt.Sprintf("reconcile-%d", time.Now().UnixNano())
	body := func(n int) []byte {
		return []byte(fmt.Sprintf(`{"action":"opened","issue":{"number":%d,"title":"Missed"},"repository":{"name":%q,"full_name":"acme/%s","owner":{"login":"acme"}}}`, n, repo, repo))
	}
	const hookID = 4242 // the hook ID postGitHub sends
	add := func(guid string, status int, at time.Time) fakes.GitHubDelivery {
		return stack.github.AddDelivery(false, "acme", repo, hookID, fakes.GitHubDelivery{
			GUID: guid, StatusCode: status, Status: http.StatusText(status), DeliveredAt: at, Event: "issues", Action: "opened"})
	}
	now := time.Now().UTC()
	ok, missed, slow := "ok-"+repo, "missed-"+repo, "slow-"+repo
	// Received normally.
	require.Equal(t, http.StatusOK, postGitHub(t, stack.ingress.URL, "issues", ok, body(1)).Status)
	add(ok, 200, now.Add(-3*time.Minute))
	// Sent while the ingress was down: never recorded.
	missedDelivery := add(missed, 502, now.Add(-2*time.Minute))
	// Recorded, but GitHub gave up waiting for the answer.
	require.Equal(t, http.StatusOK, postGitHub(t, stack.ingress.URL, "issues", slow, body(3)).Status)
	add(slow, 0, now.Add(-time.Minute))

	hooks := []activities.HookTarget{{Owner: "acme", Repo: repo, HookID: hookID}}
	before := len(stack.github.Redelivered())
	res, err := reconcile.RunGitHub(ctx, stack.client, now.Add(-time.Hour), hooks)
	require.NoError(t, err)
	assert.Equal(t, []string{fmt.Sprintf("github:%d:%s", hookID, missed)}, res.Redelivered)
	assert.Equal(t, 2, res.Failed)
	assert.Equal(t, 1, res.Recorded)
	redelivered := stack.github.Redelivered()[before:]
	assert.Equal(t, []int64{missedDelivery.ID}, redelivered)

	// GitHub now delivers it (the fake records the attempt; the test makes it).
	a := postGitHub(t, stack.ingress.URL, "issues", missed, body(2))
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	require.False(t, a.Duplicate)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID))

	res, err = reconcile.RunGitHub(ctx, stack.client, now.Add(-time.Hour), hooks)
	require.NoError(t, err)
	assert.Empty(t, res.Redelivered, "recorded now: nothing is redelivered again")
	assert.Len(t, stack.github.Redelivered()[before:], 1)
	require.EventuallyWithT(t, func(c *assert.CollectT) { assert.Equal(c, int64(1), executions(t, a.WorkflowID)) }, 20*time.Second, 200*time.Millisecond)
}

// TestReconcileScheduleIsIdempotentAndKeepsAWatermark: creating the schedule
// twice leaves one; each triggered run starts where the last one ended.
func TestReconcileScheduleIsIdempotentAndKeepsAWatermark(t *testing.T) {
	ctx := context.Background()
	id := fmt.Sprintf("reconcile-e2e-%d", time.Now().UnixNano())
	sched := []reconcile.Schedule{{ID: id, Workflow: reconcile.StripeWorkflowName, Input: reconcile.StripeInput{Window: 2 * time.Hour}, Every: time.Hour}}
	log := slog.New(slog.DiscardHandler)
	require.NoError(t, reconcile.EnsureSchedules(ctx, stack.client, sched, log))
	sched[0].Every = 30 * time.Minute
	require.NoError(t, reconcile.EnsureSchedules(ctx, stack.client, sched, log), "a second worker start updates, not fails")
	h := stack.client.ScheduleClient().GetHandle(ctx, id)
	defer func() { _ = h.Delete(ctx) }()
	desc, err := h.Describe(ctx)
	require.NoError(t, err)
	require.Len(t, desc.Schedule.Spec.Intervals, 1)
	assert.Equal(t, 30*time.Minute, desc.Schedule.Spec.Intervals[0].Every, "the update applied")

	// An operator's pause survives a worker restart.
	require.NoError(t, h.Pause(ctx, client.SchedulePauseOptions{Note: "provider incident"}))
	require.NoError(t, reconcile.EnsureSchedules(ctx, stack.client, sched, log))
	desc, err = h.Describe(ctx)
	require.NoError(t, err)
	assert.True(t, desc.Schedule.State.Paused, "still paused after EnsureSchedules")
	require.NoError(t, h.Unpause(ctx, client.ScheduleUnpauseOptions{}))

	results := make([]reconcile.StripeResult, 2)
	for i := range results {
		require.NoError(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
		var runID string
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			d, err := h.Describe(ctx)
			require.NoError(c, err)
			require.Len(c, d.Info.RecentActions, i+1)
			runID = d.Info.RecentActions[i].StartWorkflowResult.WorkflowID
		}, 20*time.Second, 200*time.Millisecond)
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, runID))
		require.NoError(t, stack.client.GetWorkflow(ctx, runID, "").Get(ctx, &results[i]))
	}
	assert.WithinDuration(t, results[0].Until.Add(-2*time.Hour), results[0].Since, time.Second, "first run: the window")
	assert.Equal(t, results[0].Until.Add(-5*time.Minute), results[1].Since, "second run: the last watermark minus the overlap")
}
