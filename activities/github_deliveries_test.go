package activities_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
)

func TestListHookDeliveriesPagesWithCursor(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 250 { // added oldest first; GitHub lists newest first
		fake.AddDelivery(false, "octo", "repo", 77, fakes.GitHubDelivery{
			GUID: fmt.Sprintf("guid-%03d", i), DeliveredAt: base.Add(time.Duration(i) * time.Minute),
			Event: "issues", Action: "opened", Status: "OK", StatusCode: 200,
		})
	}
	target := activities.HookTarget{Owner: "octo", Repo: "repo", HookID: 77}
	var got []activities.HookDelivery
	cursor := ""
	for range 10 {
		v, err := env.ExecuteActivity(gh.ListHookDeliveries, activities.ListHookDeliveriesInput{HookTarget: target, Limit: 120, Cursor: cursor})
		require.NoError(t, err)
		var res activities.ListHookDeliveriesResult
		require.NoError(t, v.Get(&res))
		assert.LessOrEqual(t, len(res.Deliveries), 120)
		got = append(got, res.Deliveries...)
		if cursor = res.NextCursor; cursor == "" {
			break
		}
	}
	require.Len(t, got, 250, "every delivery once across batches")
	assert.Equal(t, "guid-249", got[0].GUID, "newest first")
	assert.Equal(t, "guid-000", got[249].GUID)
	seen := map[int64]bool{}
	for _, d := range got {
		assert.False(t, seen[d.ID], "delivery %d listed twice", d.ID)
		seen[d.ID] = true
	}
	assert.Equal(t, "issues", got[0].Event)
	assert.Equal(t, 200, got[0].StatusCode)

	// Since stops at the first older delivery.
	v, err := env.ExecuteActivity(gh.ListHookDeliveries, activities.ListHookDeliveriesInput{
		HookTarget: target, Since: base.Add(240 * time.Minute)})
	require.NoError(t, err)
	var recent activities.ListHookDeliveriesResult
	require.NoError(t, v.Get(&recent))
	require.Len(t, recent.Deliveries, 10)
	assert.Equal(t, "guid-240", recent.Deliveries[9].GUID)
	assert.Empty(t, recent.NextCursor)
}

func TestRedeliverHookDelivery(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	d := fake.AddDelivery(true, "acme", "", 9, fakes.GitHubDelivery{GUID: "g-1", DeliveredAt: time.Now(), Event: "push", StatusCode: 503})
	target := activities.HookTarget{Org: "acme", HookID: 9}

	v, err := env.ExecuteActivity(gh.RedeliverHookDelivery, activities.RedeliverHookDeliveryInput{HookTarget: target, DeliveryID: d.ID})
	require.NoError(t, err)
	var res activities.RedeliverHookDeliveryResult
	require.NoError(t, v.Get(&res))
	assert.True(t, res.Accepted)
	assert.Equal(t, []int64{d.ID}, fake.Redelivered())

	// The organization's listing now shows the redelivery first, same GUID.
	v, err = env.ExecuteActivity(gh.ListHookDeliveries, activities.ListHookDeliveriesInput{HookTarget: target})
	require.NoError(t, err)
	var list activities.ListHookDeliveriesResult
	require.NoError(t, v.Get(&list))
	require.Len(t, list.Deliveries, 2)
	assert.True(t, list.Deliveries[0].Redelivery)
	assert.Equal(t, "g-1", list.Deliveries[0].GUID)

	_, err = env.ExecuteActivity(gh.RedeliverHookDelivery, activities.RedeliverHookDeliveryInput{HookTarget: target, DeliveryID: 424242})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "an unknown delivery is a permanent 404: %v", err)

	_, err = env.ExecuteActivity(gh.RedeliverHookDelivery, activities.RedeliverHookDeliveryInput{
		HookTarget: activities.HookTarget{Org: "acme", Owner: "octo", Repo: "repo", HookID: 9}, DeliveryID: d.ID})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "an ambiguous target is rejected: %v", err)
}
