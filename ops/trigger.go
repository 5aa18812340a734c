package ops

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

// TriggerOptions says where to send a sample event and how to sign it: with
// the secret of the source's own scheme.
type TriggerOptions struct {
	URL           string // the ingress base URL, e.g. http://127.0.0.1:8080
	StripeSecret  string
	GitHubSecret  string
	HubSpotSecret string // the HubSpot app's client secret
	SlackSecret   string // the Slack app's signing secret
	ShopifySecret string // the Shopify app's client secret
	// StandardWebhooks holds the whsec_ secret of each Standard Webhooks
	// source, by source name (e.g. "acme"); each name is a source Trigger
	// can send to.
	StandardWebhooks map[string]string
	GitHubHookID     string       // default "1"
	HTTPClient       *http.Client // default: 10 s timeout
	Now              func() time.Time
}

// TriggerResult is the ingress's answer to one sample event.
type TriggerResult struct {
	// EventID is what ingress.WorkflowIDFor takes: the Stripe, HubSpot or
	// Slack event ID, "<hook id>:<delivery GUID>" for GitHub,
	// X-Shopify-Event-Id, or webhook-id for a Standard Webhooks source.
	EventID string
	Status  int
	Body    string
}

// Trigger sends one signed, realistic sample event of source and type to the
// ingress, like `stripe trigger` does for Stripe.
func Trigger(ctx context.Context, opts TriggerOptions, source, eventType string) (TriggerResult, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.GitHubHookID == "" {
		opts.GitHubHookID = "1"
	}
	now := opts.Now()
	var (
		req     *http.Request
		eventID string
		err     error
	)
	switch source {
	case "stripe":
		req, eventID, err = stripeRequest(ctx, opts, eventType, now)
	case "github":
		req, eventID, err = githubRequest(ctx, opts, eventType, now)
	case "hubspot":
		req, eventID, err = hubspotRequest(ctx, opts, eventType, now)
	case "slack":
		req, eventID, err = slackRequest(ctx, opts, eventType, now)
	case "shopify":
		req, eventID, err = shopifyRequest(ctx, opts, eventType, now)
	default:
		secret, ok := opts.StandardWebhooks[source]
		if !ok {
			return TriggerResult{}, unknownSource(source, opts)
		}
		req, eventID, err = standardRequest(ctx, opts.URL, source, secret, eventType, now)
	}
	if err != nil {
		return TriggerResult{}, err
	}
	resp, err := opts.HTTPClient.Do(req)
	if err != nil {
		return TriggerResult{}, fmt.Errorf("trigger: post to %s: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return TriggerResult{EventID: eventID, Status: resp.StatusCode, Body: strings.TrimSpace(string(body))}, nil
}

func stripeRequest(ctx context.Context, opts TriggerOptions, eventType string, now time.Time) (*http.Request, string, error) {
	mk, ok := stripeSamples[eventType]
	if !ok {
		return nil, "", unknownType("stripe", eventType)
	}
	if opts.StripeSecret == "" {
		return nil, "", errors.New("trigger: no Stripe webhook secret (STRIPE_WEBHOOK_SECRET)")
	}
	body, eventID, err := stripeEvent(newID, eventType, mk(newID, now), now)
	if err != nil {
		return nil, "", err
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: opts.StripeSecret, Timestamp: now})
	req, err := newPost(ctx, opts.URL, "stripe", body)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Stripe-Signature", signed.Header)
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) switchyard-trigger")
	return req, eventID, nil
}

func githubRequest(ctx context.Context, opts TriggerOptions, eventType string, now time.Time) (*http.Request, string, error) {
	mk, ok := githubSamples[eventType]
	if !ok {
		return nil, "", unknownType("github", eventType)
	}
	if opts.GitHubSecret == "" {
		return nil, "", errors.New("trigger: no GitHub webhook secret (GITHUB_WEBHOOK_SECRET)")
	}
	body, err := json.Marshal(mk(newID, now))
	if err != nil {
		return nil, "", err
	}
	delivery := uuid()
	mac := hmac.New(sha256.New, []byte(opts.GitHubSecret))
	mac.Write(body)
	req, err := newPost(ctx, opts.URL, "github", body)
	if err != nil {
		return nil, "", err
	}
	event, _, _ := strings.Cut(eventType, ".")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-GitHub-Hook-ID", opts.GitHubHookID)
	req.Header.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
	req.Header.Set("X-GitHub-Hook-Installation-Target-ID", "1296269")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("User-Agent", "GitHub-Hookshot/switchyard-trigger")
	return req, opts.GitHubHookID + ":" + delivery, nil
}

func newPost(ctx context.Context, base, source string, body []byte) (*http.Request, error) {
	url := strings.TrimRight(base, "/") + "/v1/webhooks/" + source
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("trigger: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

func unknownSource(source string, opts TriggerOptions) error {
	named := "none configured"
	if len(opts.StandardWebhooks) > 0 {
		named = strings.Join(slices.Sorted(maps.Keys(opts.StandardWebhooks)), ", ")
	}
	return fmt.Errorf("trigger: unknown source %q (have stripe, github, hubspot, slack, shopify, "+
		"or a standard-webhooks source by its name: %s)", source, named)
}

func unknownType(source, eventType string) error {
	return fmt.Errorf("trigger: no %s sample for %q (have %s)", source, eventType, strings.Join(SampleTypes()[source], ", "))
}

// newID is a fresh Stripe-style ID: prefix plus 24 random hex characters.
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// newNumber is a fresh numeric ID (HubSpot event and object IDs, Shopify
// IDs), below 2^53 so that JSON readers in any language keep it exact.
func newNumber() int64 {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return int64(binary.BigEndian.Uint64(b) >> 11)
}

// slackID is 10 random upper-case letters and digits, the shape of the
// suffix of a Slack event ID ("Ev0PV52K21").
func slackID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// uuid is a random (version 4) UUID, the shape of a GitHub delivery GUID.
func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
