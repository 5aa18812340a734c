package ops_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
)

// recordingStarter records what the real ingress would start.
type recordingStarter struct {
	mu   sync.Mutex
	reqs []ingress.StartRequest
}

func (r *recordingStarter) Start(_ context.Context, req ingress.StartRequest) (ingress.Started, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return ingress.Started{WorkflowID: req.WorkflowID, RunID: fmt.Sprint("run-", len(r.reqs))}, nil
}

func (*recordingStarter) Ready(context.Context) error { return nil }

func ingressFor(t *testing.T) (*httptest.Server, *recordingStarter) {
	t.Helper()
	cfg := config.Default()
	cfg.StripeWebhookSecrets = []string{"whsec_new", "whsec_old"}
	cfg.GitHubWebhookSecrets = []string{"gh-secret"}
	st := &recordingStarter{}
	h, err := ingress.FromConfig(cfg, st, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

func TestTriggerSignsWhatTheIngressVerifies(t *testing.T) {
	srv, st := ingressFor(t)
	opts := ops.TriggerOptions{URL: srv.URL + "/", StripeSecret: "whsec_old", GitHubSecret: "gh-secret", GitHubHookID: "5"}

	res, err := ops.Trigger(context.Background(), opts, "stripe", "payment_intent.succeeded")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Len(t, st.reqs, 1)
	got := st.reqs[0]
	assert.Equal(t, ingress.StripeWorkflowID(res.EventID), got.WorkflowID)
	assert.Equal(t, "payment_intent.succeeded", got.Input.Type)
	assert.Regexp(t, `^pi_[0-9a-f]{24}$`, got.Input.ObjectID)
	assert.Contains(t, got.Summary, "20.00 USD")

	res, err = ops.Trigger(context.Background(), opts, "github", "issues.opened")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Len(t, st.reqs, 2)
	assert.Regexp(t, `^5:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, res.EventID)
	assert.Equal(t, "github:"+res.EventID, st.reqs[1].WorkflowID)
	assert.Regexp(t, `^octo-org/hello-world#\d+$`, st.reqs[1].Input.ObjectID)

	// Two triggers are two distinct events.
	again, err := ops.Trigger(context.Background(), opts, "stripe", "payment_intent.succeeded")
	require.NoError(t, err)
	assert.NotEqual(t, res.EventID, again.EventID)
}

func TestTriggerWithWrongSecretIsRejected(t *testing.T) {
	srv, st := ingressFor(t)
	for _, source := range []string{"stripe", "github"} {
		res, err := ops.Trigger(context.Background(), ops.TriggerOptions{URL: srv.URL, StripeSecret: "whsec_wrong", GitHubSecret: "wrong"}, source, ops.SampleTypes()[source][0])
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, res.Status, source)
	}
	assert.Empty(t, st.reqs)
}

func TestTriggerErrors(t *testing.T) {
	_, err := ops.Trigger(context.Background(), ops.TriggerOptions{URL: "http://127.0.0.1:1"}, "hubspot", "x")
	assert.ErrorContains(t, err, "unknown source")
	_, err = ops.Trigger(context.Background(), ops.TriggerOptions{URL: "http://127.0.0.1:1"}, "stripe", "payment_intent.succeeded")
	assert.ErrorContains(t, err, "STRIPE_WEBHOOK_SECRET")
	_, err = ops.Trigger(context.Background(), ops.TriggerOptions{URL: "http://127.0.0.1:1", GitHubSecret: "s"}, "github", "issues.closed")
	assert.ErrorContains(t, err, "pull_request.opened")
	want := map[string][]string{
		"stripe": {"charge.refunded", "checkout.session.completed", "customer.updated", "invoice.paid", "payment_intent.succeeded"},
		"github": {"issues.opened", "pull_request.opened"},
	}
	assert.Equal(t, want, ops.SampleTypes())
}
