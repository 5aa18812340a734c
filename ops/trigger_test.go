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

func (r *recordingStarter) last() ingress.StartRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return ingress.StartRequest{}
	}
	return r.reqs[len(r.reqs)-1]
}

// triggerYAML serves one source per scheme, as `switchyard ingress` would
// with this file; the catch-all routes make every sample a start to inspect.
const triggerYAML = `
sources:
  - {name: stripe,  scheme: stripe,            secret_env: T_STRIPE}
  - {name: github,  scheme: github,            secret_env: T_GITHUB}
  - {name: hubspot, scheme: hubspot,           secret_env: T_HUBSPOT}
  - {name: slack,   scheme: slack,             secret_env: T_SLACK}
  - {name: shopify, scheme: shopify,           secret_env: T_SHOPIFY}
  - {name: acme,    scheme: standard-webhooks, secret_env: T_ACME}
routes:
  - {source: hubspot, event_type: "*",   workflow: AnyHubSpot}
  - {source: slack,   event_type: "*",   workflow: AnySlack}
  - {source: shopify, event_type: "*/*", workflow: AnyShopify}
  - {source: acme,    event_type: "*",   workflow: AnyAcme}
`

// Secrets as the ingress holds them: a new and an old one, mid-rotation.
var triggerSecrets = map[string]string{
	"T_STRIPE": "whsec_new,whsec_old", "T_GITHUB": "gh-secret", "T_HUBSPOT": "hs-client-secret",
	"T_SLACK": "slack-signing-secret", "T_SHOPIFY": "shopify-client-secret",
	"T_ACME": "whsec_bmV3LWFjbWUtc2lnbmluZy1rZXk=,whsec_b2xkLWFjbWUtc2lnbmluZy1rZXk=",
}

// ingressFor serves the real ingress, built by FromConfig, on a loopback port.
func ingressFor(t *testing.T) (*httptest.Server, *recordingStarter) {
	t.Helper()
	f, err := config.ParseFile([]byte(triggerYAML), func(k string) (string, bool) { v, ok := triggerSecrets[k]; return v, ok })
	require.NoError(t, err)
	cfg := config.Default()
	cfg.File = f
	st := &recordingStarter{}
	h, err := ingress.FromConfig(cfg, st, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

// triggerOptions signs with each source's current secret, except Stripe,
// which uses the one being retired.
func triggerOptions(url string) ops.TriggerOptions {
	return ops.TriggerOptions{URL: url, StripeSecret: "whsec_old", GitHubSecret: "gh-secret", GitHubHookID: "5",
		HubSpotSecret: "hs-client-secret", SlackSecret: "slack-signing-secret", ShopifySecret: "shopify-client-secret",
		StandardWebhooks: map[string]string{"acme": "whsec_bmV3LWFjbWUtc2lnbmluZy1rZXk="}}
}

func TestTriggerSignsWhatTheIngressVerifies(t *testing.T) {
	srv, st := ingressFor(t)
	opts := triggerOptions(srv.URL + "/")

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

// Every sample of every scheme is accepted by the real ingress: its
// signature verifies and it parses into the event the trigger named.
func TestTriggerEverySampleIsAccepted(t *testing.T) {
	srv, st := ingressFor(t)
	opts := triggerOptions(srv.URL)
	for scheme, types := range ops.SampleTypes() {
		source := scheme
		if scheme == "standard-webhooks" {
			source = "acme"
		}
		for _, typ := range types {
			t.Run(source+" "+typ, func(t *testing.T) {
				res, err := ops.Trigger(context.Background(), opts, source, typ)
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, res.Status, res.Body)
				want, err := ingress.WorkflowIDFor(source, res.EventID)
				require.NoError(t, err)
				got := st.last()
				assert.Equal(t, want, got.WorkflowID, res.Body)
				assert.Equal(t, source, got.Input.Source)
				assert.Equal(t, typ, got.Input.Type)
				assert.NotEmpty(t, got.Input.ObjectID, "the sample names its object")
				assert.Contains(t, res.Body, `"duplicate":false`)
			})
		}
	}
}

func TestTriggerWithWrongSecretIsRejected(t *testing.T) {
	srv, st := ingressFor(t)
	wrong := ops.TriggerOptions{URL: srv.URL, StripeSecret: "whsec_wrong", GitHubSecret: "wrong", HubSpotSecret: "wrong",
		SlackSecret: "wrong", ShopifySecret: "wrong", StandardWebhooks: map[string]string{"acme": "whsec_d3Jvbmctc2VjcmV0"}}
	for scheme, types := range ops.SampleTypes() {
		source := scheme
		if scheme == "standard-webhooks" {
			source = "acme"
		}
		res, err := ops.Trigger(context.Background(), wrong, source, types[0])
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, res.Status, source)
	}
	assert.Empty(t, st.reqs)
}

func TestTriggerErrors(t *testing.T) {
	offline := ops.TriggerOptions{URL: "http://127.0.0.1:1"}
	_, err := ops.Trigger(context.Background(), offline, "nope", "x")
	assert.ErrorContains(t, err, "unknown source")
	_, err = ops.Trigger(context.Background(), offline, "standard-webhooks", "invoice.paid")
	assert.ErrorContains(t, err, "standard-webhooks source by its name: none configured")
	for source, variable := range map[string]string{"stripe": "STRIPE_WEBHOOK_SECRET", "github": "GITHUB_WEBHOOK_SECRET",
		"hubspot": "HUBSPOT_CLIENT_SECRET", "slack": "SLACK_SIGNING_SECRET", "shopify": "SHOPIFY_CLIENT_SECRET"} {
		_, err = ops.Trigger(context.Background(), offline, source, ops.SampleTypes()[source][0])
		assert.ErrorContains(t, err, variable, "%s without a secret", source)
	}
	_, err = ops.Trigger(context.Background(), ops.TriggerOptions{URL: "http://127.0.0.1:1", GitHubSecret: "s"}, "github", "issues.closed")
	assert.ErrorContains(t, err, "pull_request.opened")
	_, err = ops.Trigger(context.Background(), ops.TriggerOptions{StandardWebhooks: map[string]string{"acme": "not base64!"}}, "acme", "invoice.paid")
	assert.ErrorContains(t, err, "not a whsec_ base64 secret")
	assert.NotContains(t, err.Error(), "not base64!", "the error does not echo the secret")
	_, err = ops.Trigger(context.Background(), ops.TriggerOptions{StandardWebhooks: map[string]string{"acme": "whsec_c2VjcmV0"}}, "acme", "nope")
	assert.ErrorContains(t, err, "invoice.paid")
	want := map[string][]string{
		"stripe":            {"charge.refunded", "checkout.session.completed", "customer.updated", "invoice.paid", "payment_intent.succeeded"},
		"github":            {"issues.opened", "pull_request.opened"},
		"hubspot":           {"contact.creation", "contact.propertyChange", "deal.creation"},
		"slack":             {"app_mention", "message"},
		"shopify":           {"customers/create", "orders/create"},
		"standard-webhooks": {"customer.created", "invoice.paid"},
	}
	assert.Equal(t, want, ops.SampleTypes())
}
