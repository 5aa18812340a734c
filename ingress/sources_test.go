package ingress_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
)

// sourcesYAML declares one source per scheme and routes each to a workflow
// type that exists only in this file: routing is by name.
const sourcesYAML = `
trusted_proxies: ["10.0.0.0/8"]
sources:
  - {name: stripe,  scheme: stripe,  secret_env: T_STRIPE}
  - {name: github,  scheme: github,  secret_env: T_GITHUB}
  - {name: hubspot, scheme: hubspot, secret_env: T_HUBSPOT}
  - {name: slack,   scheme: slack,   secret_env: T_SLACK}
  - {name: shopify, scheme: shopify, secret_env: T_SHOPIFY}
  - name: acme
    scheme: standard-webhooks
    secret_env: T_ACME
    body_limit: %d
  - name: locked
    scheme: standard-webhooks
    secret_env: T_ACME
    allowed_cidrs: ["192.30.252.0/22", "2001:db8::/32"]
routes:
  - {source: hubspot, event_type: "contact.*", workflow: HubSpotContactTest, task_queue: crm}
  - {source: slack,   event_type: app_mention, workflow: SlackMentionTest}
  - {source: shopify, event_type: "orders/*",  workflow: ShopifyOrderTest, task_queue: shop}
  - {source: acme,    event_type: "invoice.*", workflow: AcmeInvoiceTest, task_queue: acme-py}
  - {source: locked,  event_type: "*",         workflow: LockedTest}
`

var testSecrets = map[string]string{
	"T_STRIPE": stripeSecret, "T_GITHUB": githubSecret, "T_HUBSPOT": hubspotSecret,
	"T_SLACK": slackSecret, "T_SHOPIFY": shopifySecret, "T_ACME": swSecret + "," + swOldSecret,
}

func lookupIn(m map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// configured is the ingress as FromConfig builds it from sourcesYAML.
func configured(t *testing.T, st ingress.Starter, limit int64) http.Handler {
	t.Helper()
	f, err := config.ParseFile([]byte(fmt.Sprintf(sourcesYAML, limit)), lookupIn(testSecrets))
	require.NoError(t, err)
	cfg := config.Default()
	cfg.BodyLimit, cfg.File = limit, f
	cfg.BodyLimits = map[string]int64{} // no per-source defaults (GitHub's 25 MiB): every source gets limit
	h, err := ingress.FromConfig(cfg, st, nil)
	require.NoError(t, err)
	return h
}

// Every scheme through the real handler: a valid request starts the workflow
// its configured route names; a validly signed body over the limit is 413
// and starts nothing.
func TestEverySchemeThroughConfiguredRoutes(t *testing.T) {
	t.Parallel()
	const limit = 2048
	pad := func(b []byte) []byte { // still valid JSON, now over the limit
		return append(bytes.TrimRight(b, "}]"), append(bytes.Repeat([]byte(" "), limit), b[len(bytes.TrimRight(b, "}]")):]...)...)
	}
	hub := func(b []byte) *http.Request {
		return signedHubSpot("http://example.com/v1/webhooks/hubspot", b, hubspotSecret, time.Now())
	}
	sw := func(b []byte) *http.Request {
		return signedStandard("/v1/webhooks/acme", "msg_9", b, time.Now(), swOldSecret)
	}
	tests := []struct {
		scheme       string
		sign         func([]byte) *http.Request
		body         []byte
		wantWorkflow string
		wantQueue    string
		wantID       string
	}{
		{"stripe", func(b []byte) *http.Request { return signedStripe(b, stripeSecret, time.Now()) }, stripeEvent("evt_cfg"), "StripePayment", "switchyard", "stripe:evt_cfg"},
		{"github", func(b []byte) *http.Request { return signedGitHub("issues", b, githubSecret) }, []byte(issueOpened), "GitHubIssue", "switchyard", ""},
		{"hubspot", hub, hubspotBatch(5), "HubSpotContactTest", "crm", "hubspot:5"},
		{"slack", func(b []byte) *http.Request { return signedSlack(b, slackSecret, time.Now()) }, slackEvent("EvCFG"), "SlackMentionTest", "switchyard", "slack:EvCFG"},
		{"shopify", func(b []byte) *http.Request { return signedShopify(b, shopifySecret, "ev-cfg") }, []byte(shopifyOrder), "ShopifyOrderTest", "shop", "shopify:ev-cfg"},
		{"standard-webhooks", sw, []byte(invoicePaid), "AcmeInvoiceTest", "acme-py", "acme:msg_9"},
	}
	for _, tc := range tests {
		t.Run(tc.scheme, func(t *testing.T) {
			t.Parallel()
			st := newFakeStarter()
			h := configured(t, st, limit)
			w, out := serve(h, tc.sign(tc.body))
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.Equal(t, 1, st.starts())
			req := st.inputs[0]
			assert.Equal(t, tc.wantWorkflow, req.Route.Workflow)
			assert.Equal(t, tc.wantQueue, req.Route.TaskQueue)
			if tc.wantID != "" {
				assert.Equal(t, tc.wantID, req.WorkflowID)
				assert.Equal(t, tc.wantID, out["workflow_id"])
			}

			big := pad(tc.body)
			require.Greater(t, len(big), limit)
			w, out = serve(h, tc.sign(big))
			assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code, w.Body.String())
			assert.NotEmpty(t, out["error"])
			assert.Equal(t, 1, st.starts(), "an oversized request starts nothing")
		})
	}
}

// flakyStarter fails the starts of some workflow IDs, with the error given
// for each, and passes the rest to a deduplicating fake.
type flakyStarter struct {
	*fakeStarter
	mu   sync.Mutex
	fail map[string]error
}

func (f *flakyStarter) Start(ctx context.Context, req ingress.StartRequest) (ingress.Started, error) {
	f.mu.Lock()
	err := f.fail[req.WorkflowID]
	f.mu.Unlock()
	if err != nil {
		return ingress.Started{}, err
	}
	return f.fakeStarter.Start(ctx, req)
}

// A HubSpot batch is one request: 2xx only when every event's start (or
// duplicate) succeeded, else 503 so HubSpot resends the whole batch, whose
// already-started events then dedupe. That holds whether Temporal was
// overloaded or refused one start outright, and for a batch of one too.
func TestHubSpotBatchIsAllOrRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cause  error
		reason string // the metrics' rejection outcome
	}{
		{"temporal overloaded", fmt.Errorf("%w: resource exhausted", ingress.ErrUnavailable), "rejected_unavailable"},
		{"start refused", fmt.Errorf("%w: namespace switchyard not found", ingress.ErrStartFailed), "rejected_batch_incomplete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := &flakyStarter{fakeStarter: newFakeStarter(), fail: map[string]error{"hubspot:57": tc.cause}}
			h := configured(t, st, 1<<20)
			body := hubspotBatch(seq(1, 100)...)
			const url = "http://example.com/v1/webhooks/hubspot"

			w, out := serve(h, signedHubSpot(url, body, hubspotSecret, time.Now()))
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, "one failed start fails the batch")
			assert.Equal(t, "5", w.Header().Get("Retry-After"))
			assert.Contains(t, out["error"], "1 of 100 events not started")
			assert.Contains(t, out["error"], "hubspot:57")
			assert.NotContains(t, w.Body.String(), hubspotSecret)
			assert.Equal(t, 99, st.starts(), "the other events were started, in parallel")

			st.mu.Lock()
			st.fail = nil
			st.mu.Unlock()
			w, out = serve(h, signedHubSpot(url, body, hubspotSecret, time.Now()))
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, 100, st.starts(), "the retry started only the missing event")
			events, _ := out["events"].([]any)
			require.Len(t, events, 100)
			dups := 0
			for _, e := range events {
				if e.(map[string]any)["duplicate"] == true {
					dups++
				}
			}
			assert.Equal(t, 99, dups)

			// A delivery holding only the refused event is still a batch: 503.
			st.mu.Lock()
			st.fail = map[string]error{"hubspot:500": tc.cause}
			st.mu.Unlock()
			w, _ = serve(h, signedHubSpot(url, hubspotBatch(500), hubspotSecret, time.Now()))
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, "a batch of one: %s", w.Body.String())
			assert.Equal(t, "5", w.Header().Get("Retry-After"))

			m := scrape(t, h)
			assert.Contains(t, m, `switchyard_webhook_events_total{outcome="`+tc.reason+`",source="hubspot"} 2`)
			assert.Contains(t, m, `switchyard_webhook_events_total{outcome="accepted",source="hubspot"} 100`)
			assert.Contains(t, m, `switchyard_webhook_events_total{outcome="duplicate",source="hubspot"} 99`)
		})
	}
}

// readSpy records whether the handler read the body.
type readSpy struct {
	mu   sync.Mutex
	read bool
	r    *bytes.Reader
}

func (s *readSpy) Read(p []byte) (int, error) {
	s.mu.Lock()
	s.read = true
	s.mu.Unlock()
	return s.r.Read(p)
}

func TestAllowlist(t *testing.T) {
	t.Parallel()
	body := []byte(invoicePaid)
	req := func(remote, xff string) (*http.Request, *readSpy) {
		r := signedStandard("/v1/webhooks/locked", "msg_a", body, time.Now(), swSecret)
		spy := &readSpy{r: bytes.NewReader(body)}
		r.Body = spy
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		return r, spy
	}
	tests := []struct {
		name, remote, xff string
		want              int
	}{
		{"allowed peer", "192.30.252.7:4000", "", http.StatusOK},
		{"allowed IPv6 peer", "[2001:db8::1]:4000", "", http.StatusOK},
		{"peer outside the list", "203.0.113.5:4000", "", http.StatusForbidden},
		{"spoofed X-Forwarded-For from an untrusted peer", "203.0.113.5:4000", "192.30.252.7", http.StatusForbidden},
		{"trusted proxy forwarding an allowed client", "10.0.0.2:4000", "192.30.252.7", http.StatusOK},
		{"trusted proxy forwarding a disallowed client", "10.0.0.2:4000", "203.0.113.5", http.StatusForbidden},
		{"client-written entries left of the real one prove nothing", "10.0.0.2:4000", "192.30.252.7, 203.0.113.5", http.StatusForbidden},
		{"chain through two trusted proxies", "10.0.0.2:4000", "192.30.252.7, 10.0.0.9", http.StatusOK},
		{"trusted proxy without a header", "10.0.0.2:4000", "", http.StatusForbidden},
		{"garbled chain", "10.0.0.2:4000", "not-an-ip", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newFakeStarter()
			r, spy := req(tc.remote, tc.xff)
			w, _ := serve(configured(t, st, 1<<20), r)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want == http.StatusForbidden {
				assert.False(t, spy.read, "403 comes before the body is read")
				assert.Zero(t, st.starts())
			}
		})
	}
}

func (s *readSpy) Close() error { return nil }

// deadlineStarter records the deadline each start was given.
type deadlineStarter struct {
	*fakeStarter
	mu        sync.Mutex
	remaining []time.Duration
}

func (d *deadlineStarter) Start(ctx context.Context, req ingress.StartRequest) (ingress.Started, error) {
	dl, _ := ctx.Deadline()
	d.mu.Lock()
	d.remaining = append(d.remaining, time.Until(dl))
	d.mu.Unlock()
	return d.fakeStarter.Start(ctx, req)
}

// Slack wants an answer within 3 s and HubSpot within 5 s; their starts get
// less than that even when the ingress-wide start timeout is longer.
func TestStartTimeoutsFitTheSendersPatience(t *testing.T) {
	t.Parallel()
	st := &deadlineStarter{fakeStarter: newFakeStarter()}
	h := configured(t, st, 1<<20) // StartTimeout default 5s
	w, _ := serve(h, signedSlack(slackEvent("EvDeadline"), slackSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	w, _ = serve(h, signedShopify([]byte(shopifyOrder), shopifySecret, "ev-deadline"))
	require.Equal(t, http.StatusOK, w.Code)
	w, _ = serve(h, signedHubSpot("http://example.com/v1/webhooks/hubspot", hubspotBatch(1), hubspotSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	require.Len(t, st.remaining, 3)
	assert.LessOrEqual(t, st.remaining[0], ingress.SlackStartTimeout)
	assert.Greater(t, st.remaining[1], ingress.HubSpotStartTimeout, "other sources keep the ingress-wide timeout (5s)")
	assert.LessOrEqual(t, st.remaining[2], ingress.HubSpotStartTimeout, "HubSpot waits 5 s")
}

func TestFromConfigNamesTheField(t *testing.T) {
	t.Parallel()
	tests := []struct{ yaml, want string }{
		{"sources: [{name: stripe, scheme: strpe, secret_env: T_STRIPE}]", `sources[0].scheme: unknown scheme "strpe"`},
		{"sources: [{name: payments, scheme: stripe, secret_env: T_STRIPE}]", `sources[0].name: a stripe source must be named "stripe"`},
		{"sources: [{name: slack, scheme: standard-webhooks, secret_env: T_ACME}]", `sources[0].name: "slack" is reserved`},
		{"sources: [{name: acme, scheme: standard-webhooks, secret_env: T_STRIPE_BAD}]", `sources[0]: acme source: secret 1 is not a whsec_ base64 secret`},
	}
	secrets := map[string]string{"T_STRIPE": stripeSecret, "T_ACME": swSecret, "T_STRIPE_BAD": "whsec_???"}
	for _, tc := range tests {
		f, err := config.ParseFile([]byte(tc.yaml), lookupIn(secrets))
		require.NoError(t, err, tc.yaml)
		cfg := config.Default()
		cfg.File = f
		_, err = ingress.FromConfig(cfg, newFakeStarter(), nil)
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "???")
	}
}

// Without a file, the environment decides: Stripe and GitHub always, the
// other providers when their secret variables are set.
func TestEnvironmentEnablesSources(t *testing.T) {
	t.Parallel()
	env := map[string]string{"STRIPE_WEBHOOK_SECRET": stripeSecret, "GITHUB_WEBHOOK_SECRET": githubSecret}
	cfg, err := config.Load(lookupIn(env), nil)
	require.NoError(t, err)
	h, err := ingress.FromConfig(cfg, newFakeStarter(), nil)
	require.NoError(t, err)
	w, _ := serve(h, signedShopify([]byte(shopifyOrder), shopifySecret, "ev-env"))
	assert.Equal(t, http.StatusNotFound, w.Code, "no secret, no source")

	env["SHOPIFY_CLIENT_SECRET"] = shopifySecret
	env["SLACK_SIGNING_SECRET"] = slackSecret
	env["HUBSPOT_CLIENT_SECRET"] = hubspotSecret
	cfg, err = config.Load(lookupIn(env), nil)
	require.NoError(t, err)
	st := newFakeStarter()
	h, err = ingress.FromConfig(cfg, st, nil)
	require.NoError(t, err)
	w, out := serve(h, signedShopify([]byte(shopifyOrder), shopifySecret, "ev-env"))
	assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, true, out["ignored"], "no built-in route for Shopify: acknowledged, nothing started")
	challenge := []byte(`{"type":"url_verification","challenge":"abc"}`)
	w, out = serve(h, signedSlack(challenge, slackSecret, time.Now()))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "abc", out["challenge"])
	w, _ = serve(h, signedStripe(stripeEvent("evt_env"), stripeSecret, time.Now()))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, 1, st.starts())
}
