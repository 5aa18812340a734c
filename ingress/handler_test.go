package ingress_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// fakeStarter dedupes by workflow ID like Temporal does, and can be switched
// to fail like an unreachable Temporal.
type fakeStarter struct {
	mu       sync.Mutex
	runs     map[string]string
	inputs   []ingress.StartRequest
	failErr  error
	readyErr error
}

func newFakeStarter() *fakeStarter { return &fakeStarter{runs: map[string]string{}} }

func (f *fakeStarter) Start(_ context.Context, req ingress.StartRequest) (ingress.Started, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failErr != nil {
		return ingress.Started{}, f.failErr
	}
	if run, ok := f.runs[req.WorkflowID]; ok {
		return ingress.Started{WorkflowID: req.WorkflowID, RunID: run, Duplicate: true}, nil
	}
	run := fmt.Sprintf("run-%d", len(f.runs)+1)
	f.runs[req.WorkflowID] = run
	f.inputs = append(f.inputs, req)
	return ingress.Started{WorkflowID: req.WorkflowID, RunID: run}, nil
}

func (f *fakeStarter) Ready(context.Context) error { return f.readyErr }

func (f *fakeStarter) starts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.inputs)
}

func newTestHandler(t *testing.T, st ingress.Starter, limit int64) http.Handler {
	t.Helper()
	stripeSrc, err := ingress.NewStripe([]string{stripeSecret})
	require.NoError(t, err)
	githubSrc, err := ingress.NewGitHub([]string{githubSecret})
	require.NoError(t, err)
	h, err := ingress.NewHandler(ingress.Deps{
		Endpoints:  []ingress.Endpoint{{Source: stripeSrc, BodyLimit: limit}, {Source: githubSrc, BodyLimit: limit}},
		Routes:     workflows.DefaultRoutes(),
		Starter:    st,
		RetryAfter: 7 * time.Second,
	})
	require.NoError(t, err)
	return h
}

func serve(h http.Handler, r *http.Request) (*httptest.ResponseRecorder, map[string]any) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w, out
}

func TestHandlerStartsOnceAndAnswersDuplicates(t *testing.T) {
	t.Parallel()
	st := newFakeStarter()
	h := newTestHandler(t, st, 1<<20)
	body := stripeEvent("evt_dup")

	w, out := serve(h, signedStripe(body, stripeSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "stripe:evt_dup", out["workflow_id"])
	assert.Equal(t, false, out["duplicate"])
	firstRun := out["run_id"]

	w, out = serve(h, signedStripe(body, stripeSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, true, out["duplicate"])
	assert.Equal(t, firstRun, out["run_id"], "a duplicate gets the existing run")
	assert.Equal(t, 1, st.starts())

	req := st.inputs[0]
	assert.Equal(t, workflows.StripePaymentWorkflow, req.Route.Workflow)
	assert.Equal(t, workflows.TaskQueue, req.Route.TaskQueue)
	assert.Equal(t, "stripe", req.Input.Source)
	assert.Equal(t, "evt_dup", req.Input.EventID)
	assert.Equal(t, "payment_intent.succeeded", req.Input.Type)
	assert.WithinDuration(t, time.Now(), req.Input.ReceivedAt, time.Minute)
	assert.JSONEq(t, string(body), string(req.Input.Payload))
	in, err := json.Marshal(req)
	require.NoError(t, err)
	assert.NotContains(t, string(in), stripeSecret, "the workflow input must not carry the secret")
	assert.NotContains(t, string(in), "v1=", "the workflow input must not carry the signature")
}

func TestHandlerRejections(t *testing.T) {
	t.Parallel()
	const limit = 4096
	body := stripeEvent("evt_rej")
	big := append(stripeEvent("evt_big")[:0:0], bytes.Repeat([]byte(" "), limit+1)...)
	chunked := signedStripe(big, stripeSecret, time.Now())
	chunked.ContentLength = -1 // as a chunked upload: the limit must hold while reading

	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"unknown source", httptest.NewRequest(http.MethodPost, "/v1/webhooks/nope", strings.NewReader("{}")), http.StatusNotFound},
		{"forged", signedStripe(body, "whsec_forged", time.Now()), http.StatusUnauthorized},
		{"stale", signedStripe(body, stripeSecret, time.Now().Add(-10*time.Minute)), http.StatusUnauthorized},
		{"malformed", signedStripe([]byte("{"), stripeSecret, time.Now()), http.StatusBadRequest},
		{"too large by Content-Length", signedStripe(big, stripeSecret, time.Now()), http.StatusRequestEntityTooLarge},
		{"too large while reading", chunked, http.StatusRequestEntityTooLarge},
		{"github missing headers", func() *http.Request {
			r := signedGitHub("issues", []byte(issueOpened), githubSecret)
			r.Header.Del("X-GitHub-Delivery")
			return r
		}(), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newFakeStarter()
			w, out := serve(newTestHandler(t, st, limit), tc.req)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			assert.NotEmpty(t, out["error"], "errors are JSON with a message")
			assert.Zero(t, st.starts(), "a rejected request starts nothing")
		})
	}
}

func TestHandlerTemporalUnavailable(t *testing.T) {
	t.Parallel()
	st := newFakeStarter()
	st.failErr = fmt.Errorf("%w: connection refused", ingress.ErrUnavailable)
	w, out := serve(newTestHandler(t, st, 1<<20), signedStripe(stripeEvent("evt_down"), stripeSecret, time.Now()))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "7", w.Header().Get("Retry-After"))
	assert.Contains(t, out["error"], "temporal unavailable")

	st.failErr = fmt.Errorf("%w: namespace not found", ingress.ErrStartFailed)
	w, _ = serve(newTestHandler(t, st, 1<<20), signedStripe(stripeEvent("evt_down"), stripeSecret, time.Now()))
	assert.Equal(t, http.StatusInternalServerError, w.Code, "any failed start is never a 2xx")
}

func TestHandlerIgnoresUnroutedTypesAndPings(t *testing.T) {
	t.Parallel()
	st := newFakeStarter()
	h := newTestHandler(t, st, 1<<20)
	body := []byte(`{"action":"deleted","issue":{"number":1},"repository":{"name":"r","full_name":"o/r","owner":{"login":"o"}}}`)
	w, out := serve(h, signedGitHub("issues", body, githubSecret))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, true, out["ignored"])

	ping := []byte(`{"zen":"hi","hook_id":42}`)
	w, out = serve(h, signedGitHub("ping", ping, githubSecret))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, true, out["pong"])
	assert.Zero(t, st.starts())

	metrics := scrape(t, h)
	assert.Contains(t, metrics, `switchyard_webhook_events_total{outcome="ignored",source="github"} 1`)
	assert.Contains(t, metrics, `switchyard_webhook_events_total{outcome="reply",source="github"} 1`)
}

func TestHandlerHealthAndReadiness(t *testing.T) {
	t.Parallel()
	st := newFakeStarter()
	h := newTestHandler(t, st, 1<<20)
	w, _ := serve(h, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusOK, w.Code)
	w, _ = serve(h, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusOK, w.Code)
	st.readyErr = fmt.Errorf("%w: down", ingress.ErrUnavailable)
	w, _ = serve(h, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
}

func TestHandlerConcurrentDuplicatesStartOnce(t *testing.T) {
	t.Parallel()
	st := newFakeStarter()
	h := newTestHandler(t, st, 1<<20)
	body := stripeEvent("evt_conc")
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, _ := serve(h, signedStripe(body, stripeSecret, time.Now()))
			codes[i] = w.Code
		}()
	}
	wg.Wait()
	for _, c := range codes {
		assert.Equal(t, http.StatusOK, c)
	}
	assert.Equal(t, 1, st.starts())
}
