package ingress_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

const apiToken = "s3cret-api-token"

// fakeEvents holds events by workflow ID and pages through them like
// visibility does, recording the filters it was asked for.
type fakeEvents struct {
	byID    map[string]ingress.EventStatus
	order   []string
	filters []ingress.EventFilter
}

func (f *fakeEvents) Describe(_ context.Context, workflowID string) (ingress.EventStatus, error) {
	ev, ok := f.byID[workflowID]
	if !ok {
		return ingress.EventStatus{}, fmt.Errorf("%w: %s", ingress.ErrEventNotFound, workflowID)
	}
	return ev, nil
}

func (f *fakeEvents) List(_ context.Context, flt ingress.EventFilter) (ingress.EventPage, error) {
	f.filters = append(f.filters, flt)
	start := 0
	if len(flt.PageToken) > 0 {
		_, err := fmt.Sscanf(string(flt.PageToken), "off:%d", &start)
		if err != nil {
			return ingress.EventPage{}, fmt.Errorf("%w: bad token", ingress.ErrMalformed)
		}
	}
	var page ingress.EventPage
	for i := start; i < len(f.order); i++ {
		ev := f.byID[f.order[i]]
		if (flt.Source != "" && ev.Source != flt.Source) || (flt.Status != "" && ev.Status != flt.Status) {
			continue
		}
		if len(page.Events) == flt.Limit {
			page.NextPageToken = []byte(fmt.Sprintf("off:%d", i))
			break
		}
		page.Events = append(page.Events, ev)
	}
	return page, nil
}

func newFakeEvents() *fakeEvents {
	f := &fakeEvents{byID: map[string]ingress.EventStatus{}}
	add := func(ev ingress.EventStatus) {
		f.byID[ev.WorkflowID] = ev
		f.order = append(f.order, ev.WorkflowID)
	}
	closed := time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)
	add(ingress.EventStatus{Source: "stripe", ID: "evt_1", Type: "payment_intent.succeeded", WorkflowID: "stripe:evt_1", RunID: "r1", Status: "failed", StartedAt: closed.Add(-time.Second), ClosedAt: &closed, Failure: new("card declined")})
	add(ingress.EventStatus{Source: "github", ID: "42:d-1", Type: "issues.opened", WorkflowID: "github:42:d-1", RunID: "r2", Status: "running"})
	for i := range 5 {
		add(ingress.EventStatus{Source: "stripe", ID: fmt.Sprintf("evt_p%d", i), WorkflowID: fmt.Sprintf("stripe:evt_p%d", i), Status: "completed"})
	}
	return f
}

func eventsHandler(t *testing.T, store ingress.EventStore, token string) http.Handler {
	t.Helper()
	src, err := ingress.NewStripe([]string{stripeSecret})
	require.NoError(t, err)
	h, err := ingress.NewHandler(ingress.Deps{
		Endpoints: []ingress.Endpoint{{Source: src, BodyLimit: 1 << 20}},
		Routes:    workflows.DefaultRoutes(), Starter: newFakeStarter(),
		Events: store, APIToken: token,
	})
	require.NoError(t, err)
	return h
}

func get(h http.Handler, path, token string) (*httptest.ResponseRecorder, map[string]any) {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return serve(h, r)
}

func TestEventsAPINotServedWithoutToken(t *testing.T) {
	h := eventsHandler(t, newFakeEvents(), "")
	for _, p := range []string{"/v1/events", "/v1/events/stripe/evt_1"} {
		w, _ := get(h, p, "anything")
		assert.Equal(t, http.StatusNotFound, w.Code, p)
	}
}

func TestEventsAPIRequiresBearerToken(t *testing.T) {
	h := eventsHandler(t, newFakeEvents(), apiToken)
	for name, header := range map[string]string{
		"none": "", "wrong": "Bearer nope", "prefix of the token": "Bearer " + apiToken[:5],
		"token plus more": "Bearer " + apiToken + "x", "basic scheme": "Basic " + apiToken,
	} {
		r := httptest.NewRequest(http.MethodGet, "/v1/events/stripe/evt_1", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		w, out := serve(h, r)
		assert.Equal(t, http.StatusUnauthorized, w.Code, name)
		assert.NotEmpty(t, w.Header().Get("WWW-Authenticate"), name)
		assert.NotContains(t, w.Body.String(), "evt_1", name)
		assert.NotContains(t, fmt.Sprint(out), apiToken, name)
	}
}

func TestGetEvent(t *testing.T) {
	h := eventsHandler(t, newFakeEvents(), apiToken)

	w, out := get(h, "/v1/events/stripe/evt_1", apiToken)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "stripe:evt_1", out["workflow_id"])
	assert.Equal(t, "evt_1", out["id"])
	assert.Equal(t, "stripe", out["source"])
	assert.Equal(t, "failed", out["status"])
	assert.Equal(t, "card declined", out["failure"])
	assert.Equal(t, "2026-01-02T03:04:06Z", out["closed_at"])
	for _, k := range []string{"type", "run_id", "started_at"} {
		assert.Contains(t, out, k)
	}

	// A GitHub id is "<hook id>:<delivery>", mapped by the source's own helper.
	w, out = get(h, "/v1/events/github/42:d-1", apiToken)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "github:42:d-1", out["workflow_id"])
	assert.Nil(t, out["closed_at"], "a running event has no close time")
	assert.Contains(t, out, "failure", "failure is always a field")
	assert.Nil(t, out["failure"], "a running event has no failure")

	w, _ = get(h, "/v1/events/stripe/evt_unknown", apiToken)
	assert.Equal(t, http.StatusNotFound, w.Code)
	w, _ = get(h, "/v1/events/github/no-hook-part", apiToken)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func TestListEventsPagesAndFilters(t *testing.T) {
	store := newFakeEvents()
	h := eventsHandler(t, store, apiToken)

	var seen []string
	path := "/v1/events?source=stripe&status=completed&limit=2"
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5, "paging must end")
		w, out := get(h, path, apiToken)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		for _, e := range out["events"].([]any) {
			seen = append(seen, e.(map[string]any)["workflow_id"].(string))
		}
		tok, ok := out["next_page_token"].(string)
		if !ok {
			break
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		require.NoError(t, err)
		// An edited token is refused before the store sees it.
		raw[len(raw)-1] ^= 1
		w, _ = get(h, "/v1/events?page_token="+base64.RawURLEncoding.EncodeToString(raw), apiToken)
		require.Equal(t, http.StatusBadRequest, w.Code)
		path = "/v1/events?source=stripe&status=completed&limit=2&page_token=" + tok
	}
	assert.Equal(t, []string{"stripe:evt_p0", "stripe:evt_p1", "stripe:evt_p2", "stripe:evt_p3", "stripe:evt_p4"}, seen)
	assert.Len(t, store.filters, 3, "three pages, no forged token reached the store")
	assert.Equal(t, "completed", store.filters[0].Status)
	assert.Equal(t, 2, store.filters[0].Limit)

	w, out := get(h, "/v1/events", apiToken)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Len(t, out["events"], 7)
	assert.Equal(t, ingress.DefaultListLimit, store.filters[len(store.filters)-1].Limit)
}

func TestListEventsRejectsBadInput(t *testing.T) {
	store := newFakeEvents()
	h := eventsHandler(t, store, apiToken)
	for _, q := range []string{
		"status=exploded", "status=Failed", "limit=0", "limit=101", "limit=x",
		"source=stripe'%20OR%20'1'='1", "type=a'b", "type=x%22%20OR%20WorkflowId%3D%22y", "page_token=***",
	} {
		w, _ := get(h, "/v1/events?"+q, apiToken)
		assert.Equal(t, http.StatusBadRequest, w.Code, q)
	}
	assert.Empty(t, store.filters, "nothing invalid reached the store")
}

func TestVisibilityQuery(t *testing.T) {
	q, err := ingress.VisibilityQuery(ingress.EventFilter{Source: "stripe", Type: "payment_intent.succeeded", Status: "timed_out"})
	require.NoError(t, err)
	assert.Equal(t, "WebhookSource IS NOT NULL AND WebhookSource = 'stripe' AND WebhookEventType = 'payment_intent.succeeded' AND ExecutionStatus = 'TimedOut'", q)
	_, err = ingress.VisibilityQuery(ingress.EventFilter{Type: "x' OR 'a'='a"})
	assert.ErrorIs(t, err, ingress.ErrMalformed)
}

func TestWorkflowIDFor(t *testing.T) {
	for _, c := range []struct{ source, id, want string }{
		{"stripe", "evt_1", ingress.StripeWorkflowID("evt_1")},
		{"github", "42:d-1", ingress.GitHubWorkflowID("42", "d-1")},
		{"hubspot", "123", "hubspot:123"},
	} {
		got, err := ingress.WorkflowIDFor(c.source, c.id)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
		assert.Equal(t, c.id, ingress.EventIDOf(c.source, got))
	}
	for _, bad := range [][2]string{{"github", "d-1"}, {"stripe", ""}, {"stripe", "a b"}, {"Bad Source", "1"}} {
		_, err := ingress.WorkflowIDFor(bad[0], bad[1])
		assert.ErrorIs(t, err, ingress.ErrMalformed, bad)
	}
}
