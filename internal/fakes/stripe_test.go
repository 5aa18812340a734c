package fakes_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/switchyard/switchyard/internal/fakes"
)

// The fake's event log pages the way stripe-go's iterator expects (newest
// first, has_more, starting_after), filters by created[gte] and types[], and
// hands /v1/events back to the fallback when cleared.
func TestStripeFakeListsEventsLikeStripe(t *testing.T) {
	fallback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"object":"list","url":"/v1/events","has_more":false,"data":[{"id":"evt_fallback","object":"event","type":"plan.created","created":1}]}`))
	}))
	defer fallback.Close()
	fake, err := fakes.NewStripe(fallback.URL)
	require.NoError(t, err)
	defer fake.Close()
	api := client.New("sk_test_123", stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(fake.URL), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}))

	var log []map[string]any
	for i, typ := range []string{"customer.updated", "invoice.paid", "customer.updated", "customer.updated", "invoice.paid"} {
		log = append(log, map[string]any{"id": "evt_" + string(rune('a'+i)), "object": "event", "type": typ, "created": 1000 + i})
	}
	fake.ServeEvents(log)
	list := func(p *stripe.EventListParams) []string {
		p.Context = context.Background()
		var ids []string
		it := api.Events.List(p)
		for it.Next() {
			ids = append(ids, it.Event().ID)
		}
		require.NoError(t, it.Err())
		return ids
	}
	assert.Equal(t, []string{"evt_e", "evt_d", "evt_c", "evt_b", "evt_a"}, list(&stripe.EventListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}),
		"newest first, across three pages of two")
	assert.Equal(t, []string{"evt_e", "evt_d", "evt_c"}, list(&stripe.EventListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: 1002}}))
	assert.Equal(t, []string{"evt_e", "evt_b"}, list(&stripe.EventListParams{Types: []*string{stripe.String("invoice.paid")}}))

	fake.ServeEvents(nil)
	assert.Equal(t, []string{"evt_fallback"}, list(&stripe.EventListParams{}), "cleared: the fallback answers again")
}
