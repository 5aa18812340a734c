package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/reconcile"
)

var (
	stripeActs *activities.Stripe
	githubActs *activities.GitHub
	ownActs    *reconcile.Activities
)

// env registers the integrations' activity structs next to reconciliation's
// own: a clash of activity names would panic here.
func env(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflow(reconcile.Stripe)
	e.RegisterWorkflow(reconcile.GitHub)
	e.RegisterActivity(stripeActs)
	e.RegisterActivity(githubActs)
	e.RegisterActivity(ownActs)
	return e
}

func retention(e *testsuite.TestWorkflowEnvironment, d time.Duration) {
	e.OnActivity(ownActs.NamespaceRetention, mock.Anything).Return(d, nil)
}

func TestStripePagesAndStartsEachPage(t *testing.T) {
	e := env(t)
	retention(e, 72*time.Hour)
	var sinces []time.Time
	e.OnActivity(stripeActs.ListEvents, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ListEventsInput) (*activities.ListEventsResult, error) {
			sinces = append(sinces, in.Since)
			if in.StartingAfter == "" {
				return &activities.ListEventsResult{Events: []activities.StripeEvent{{ID: "evt_1"}, {ID: "evt_2"}}, NextCursor: "evt_2"}, nil
			}
			assert.Equal(t, "evt_2", in.StartingAfter)
			assert.Contains(t, in.Types, "payment_intent.succeeded", "only types a route takes are listed")
			return &activities.ListEventsResult{Events: []activities.StripeEvent{{ID: "evt_3"}}}, nil
		})
	e.OnActivity(ownActs.StartStripeEvents, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in reconcile.StartStripeEventsInput) (*reconcile.StartEventsResult, error) {
			if len(in.Events) == 2 {
				return &reconcile.StartEventsResult{Started: 1, Duplicates: 1}, nil
			}
			return &reconcile.StartEventsResult{Ignored: 1}, nil
		}).Times(2)
	start := e.Now()
	e.ExecuteWorkflow(reconcile.Stripe, reconcile.StripeInput{Window: 2 * time.Hour})
	require.NoError(t, e.GetWorkflowError())
	var res reconcile.StripeResult
	require.NoError(t, e.GetWorkflowResult(&res))
	assert.Equal(t, reconcile.StripeResult{Since: start.Add(-2 * time.Hour).UTC(), Until: start.UTC(), Listed: 3, Started: 1, Duplicates: 1, Ignored: 1}, res)
	require.Len(t, sinces, 2)
	assert.Equal(t, sinces[0], sinces[1], "every page of one run has the same window")
}

func TestStripeStartsFromTheLastWatermark(t *testing.T) {
	e := env(t)
	retention(e, 72*time.Hour)
	watermark := e.Now().Add(-20 * time.Minute).UTC()
	e.SetLastCompletionResult(reconcile.StripeResult{Until: watermark})
	e.OnActivity(stripeActs.ListEvents, mock.Anything, mock.Anything).Return(&activities.ListEventsResult{}, nil)
	e.ExecuteWorkflow(reconcile.Stripe, reconcile.StripeInput{Window: 10 * time.Hour})
	var res reconcile.StripeResult
	require.NoError(t, e.GetWorkflowResult(&res))
	assert.Equal(t, watermark.Add(-5*time.Minute), res.Since, "watermark minus the overlap, not the 10h window")
}

func TestWindowNeverExceedsRetention(t *testing.T) {
	e := env(t)
	retention(e, 24*time.Hour)
	e.OnActivity(stripeActs.ListEvents, mock.Anything, mock.Anything).Return(&activities.ListEventsResult{}, nil)
	now := e.Now().UTC()
	e.ExecuteWorkflow(reconcile.Stripe, reconcile.StripeInput{Since: now.Add(-30 * 24 * time.Hour)})
	var res reconcile.StripeResult
	require.NoError(t, e.GetWorkflowResult(&res))
	assert.True(t, res.Clamped)
	assert.Equal(t, now.Add(-23*time.Hour), res.Since, "retention minus an hour's margin")
}

func TestGitHubRedeliversOnlyUnrecordedFailures(t *testing.T) {
	e := env(t)
	retention(e, 72*time.Hour)
	t0 := e.Now().Add(-time.Hour)
	hook := activities.HookTarget{Owner: "acme", Repo: "app", HookID: 7}
	e.OnActivity(githubActs.ListHookDeliveries, mock.Anything, mock.Anything).Return(&activities.ListHookDeliveriesResult{Deliveries: []activities.HookDelivery{
		{ID: 5, GUID: "c", StatusCode: 502, DeliveredAt: t0.Add(3 * time.Minute), Redelivery: true},
		{ID: 4, GUID: "b", StatusCode: 200, DeliveredAt: t0.Add(2 * time.Minute), Redelivery: true},
		{ID: 3, GUID: "c", StatusCode: 502, DeliveredAt: t0.Add(time.Minute)},
		{ID: 2, GUID: "b", StatusCode: 0, DeliveredAt: t0},
		{ID: 1, GUID: "a", StatusCode: 504, DeliveredAt: t0},
	}}, nil)
	e.OnActivity(ownActs.UnrecordedDeliveries, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in reconcile.UnrecordedInput) (*reconcile.UnrecordedResult, error) {
			assert.Equal(t, "7", in.HookID)
			var guids []string
			for _, d := range in.Deliveries {
				guids = append(guids, d.GUID)
			}
			assert.ElementsMatch(t, []string{"a", "c"}, guids, "b succeeded on redelivery")
			// "a" was recorded although GitHub timed out; "c" never was.
			for _, d := range in.Deliveries {
				if d.GUID == "c" {
					return &reconcile.UnrecordedResult{Deliveries: []activities.HookDelivery{d}}, nil
				}
			}
			return &reconcile.UnrecordedResult{}, nil
		})
	var redelivered []int64
	e.OnActivity(githubActs.RedeliverHookDelivery, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RedeliverHookDeliveryInput) (*activities.RedeliverHookDeliveryResult, error) {
			redelivered = append(redelivered, in.DeliveryID)
			return &activities.RedeliverHookDeliveryResult{Accepted: true}, nil
		})
	e.ExecuteWorkflow(reconcile.GitHub, reconcile.GitHubInput{Hooks: []activities.HookTarget{hook}})
	var res reconcile.GitHubResult
	require.NoError(t, e.GetWorkflowResult(&res))
	assert.Equal(t, []int64{5}, redelivered, "the newest attempt of c, once")
	assert.Equal(t, []string{"github:7:c"}, res.Redelivered)
	assert.Equal(t, 5, res.Listed)
	assert.Equal(t, 2, res.Failed)
	assert.Equal(t, 1, res.Recorded)
}

func TestParseHooksAndSchedules(t *testing.T) {
	hooks, err := reconcile.ParseHooks([]string{"acme/app:12", "acme:34"})
	require.NoError(t, err)
	assert.Equal(t, []activities.HookTarget{{Owner: "acme", Repo: "app", HookID: 12}, {Org: "acme", HookID: 34}}, hooks)
	for _, bad := range []string{"acme/app", "acme/app:x", ":3", "a/b/c:1", "acme/app:-1"} {
		_, err := reconcile.ParseHooks([]string{bad})
		assert.Error(t, err, bad)
	}

	s := reconcile.Settings{Interval: 15 * time.Minute, Window: time.Hour, StripeAPIKey: "sk", GitHubToken: "ghp", GitHubHooks: hooks}
	got := reconcile.Schedules(s)
	require.Len(t, got, 2)
	assert.Equal(t, reconcile.StripeScheduleID, got[0].ID)
	assert.Equal(t, reconcile.GitHubInput{Hooks: hooks, Window: time.Hour}, got[1].Input)
	s.GitHubHooks = nil
	assert.Len(t, reconcile.Schedules(s), 1, "no hooks, no GitHub schedule")
	s.Interval = 0
	assert.Empty(t, reconcile.Schedules(s), "interval off")
}
