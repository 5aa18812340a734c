package ingress_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scrape reads the handler's /metrics page.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code)
	page, err := io.ReadAll(w.Body)
	require.NoError(t, err)
	return string(page)
}

// Issue 5.6: requests by source and outcome (accepted, duplicate, ignored,
// rejected by reason), and verification and start latency histograms.
func TestHandlerMetrics(t *testing.T) {
	t.Parallel()
	const limit = 4096
	st := newFakeStarter()
	h := newTestHandler(t, st, limit)
	body := stripeEvent("evt_metrics")
	ignored := bytes.Replace(stripeEvent("evt_metrics_2"), []byte("payment_intent.succeeded"), []byte("customer.created"), 1)
	big := append(stripeEvent("evt_big")[:0:0], bytes.Repeat([]byte(" "), limit+1)...)

	for _, tc := range []struct {
		req  *http.Request
		want int
	}{
		{signedStripe(body, stripeSecret, time.Now()), http.StatusOK},                   // accepted
		{signedStripe(body, stripeSecret, time.Now()), http.StatusOK},                   // duplicate
		{signedStripe(ignored, stripeSecret, time.Now()), http.StatusOK},                // ignored: no route
		{signedStripe(body, "whsec_forged", time.Now()), http.StatusUnauthorized},       // bad signature
		{signedStripe(big, stripeSecret, time.Now()), http.StatusRequestEntityTooLarge}, // too large: never verified
		{signedGitHub("issues", []byte(issueOpened), "wrong"), http.StatusUnauthorized}, // another source
	} {
		w, _ := serve(h, tc.req)
		require.Equal(t, tc.want, w.Code, w.Body.String())
	}

	page := scrape(t, h)
	for _, want := range []string{
		`switchyard_webhook_events_total{outcome="accepted",source="stripe"} 1`,
		`switchyard_webhook_events_total{outcome="duplicate",source="stripe"} 1`,
		`switchyard_webhook_events_total{outcome="ignored",source="stripe"} 1`,
		`switchyard_webhook_events_total{outcome="rejected_bad_signature",source="stripe"} 1`,
		`switchyard_webhook_events_total{outcome="rejected_too_large",source="stripe"} 1`,
		`switchyard_webhook_events_total{outcome="rejected_bad_signature",source="github"} 1`,
		// Verified: accepted, duplicate, ignored and forged; the oversized body never was.
		`switchyard_webhook_verify_seconds_count{source="stripe"} 4`,
		`switchyard_webhook_verify_seconds_count{source="github"} 1`,
		// Started: the accepted event and its duplicate.
		`switchyard_workflow_start_seconds_count{source="stripe"} 2`,
	} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, `switchyard_workflow_start_seconds_count{source="github"}`, "a rejected request starts nothing")
	assert.Regexp(t, `switchyard_webhook_verify_seconds_bucket\{source="stripe",le="\+Inf"\} 4`, page)
	assert.Equal(t, 1, st.starts())
}
