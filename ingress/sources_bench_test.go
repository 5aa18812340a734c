package ingress_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchyard/switchyard/ingress"
)

// benchSource is one built-in source as the micro benchmarks drive it: the
// source configured with one secret, a body of that sender's shape padded to
// a size, and the sender's own signing (from signers_test.go and the
// sources' tests, so no signer is written twice).
type benchSource struct {
	name          string
	src           ingress.Source
	body          func(size int) []byte
	sign          func(body []byte, secret string) *http.Request
	secret, other string // other is a well-formed secret the source does not hold
}

// benchSources is every built-in source, in the order `make bench` reports them.
func benchSources(b *testing.B) []benchSource {
	b.Helper()
	must := func(src ingress.Source, err error) ingress.Source {
		if err != nil {
			b.Fatal(err)
		}
		return src
	}
	now := time.Now()
	return []benchSource{
		{"stripe", must(ingress.NewStripe([]string{stripeSecret})),
			func(n int) []byte { return padded(stripeEvent("evt_bench"), n) },
			func(body []byte, s string) *http.Request { return signedStripe(body, s, now) },
			stripeSecret, stripeOldSecret},
		{"github", must(ingress.NewGitHub([]string{githubSecret})),
			func(n int) []byte { return padded([]byte(issueOpened), n) },
			func(body []byte, s string) *http.Request { return signedGitHub("issues", body, s) },
			githubSecret, githubOldSecret},
		{"hubspot", must(ingress.NewHubSpot([]string{hubspotSecret}, nil)), hubspotBench,
			func(body []byte, s string) *http.Request { return signedHubSpot(hubspotTarget, body, s, now) },
			hubspotSecret, hubspotOldSecret},
		{"slack", must(ingress.NewSlack([]string{slackSecret})),
			func(n int) []byte { return padded(slackEvent("EvBench"), n) },
			func(body []byte, s string) *http.Request { return signedSlack(body, s, now) },
			slackSecret, slackOldSecret},
		{"shopify", must(ingress.NewShopify([]string{shopifySecret})),
			func(n int) []byte { return padded([]byte(shopifyOrder), n) },
			func(body []byte, s string) *http.Request { return signedShopify(body, s, "ev-bench") },
			shopifySecret, shopifyOldSecret},
		{"standard-webhooks", must(ingress.NewStandardWebhooks("acme", []string{swSecret})),
			func(n int) []byte { return padded([]byte(invoicePaid), n) },
			func(body []byte, s string) *http.Request {
				return signedStandard("/v1/webhooks/acme", "msg_b", body, now, s)
			},
			swSecret, swOldSecret},
	}
}

// padded adds a "padding" string field to the last object in body so that
// body is exactly size bytes: every source's body then has the bare HMAC's
// length, whatever its sender's shape.
func padded(body []byte, size int) []byte {
	const field = `,"padding":"`
	i := bytes.LastIndexByte(body, '}')
	n := max(size-len(body)-len(field)-1, 0)
	out := make([]byte, 0, size)
	out = append(out, body[:i]...)
	out = append(out, field...)
	out = append(out, strings.Repeat("x", n)...)
	out = append(out, '"')
	return append(out, body[i:]...)
}

// hubspotBench is a HubSpot batch of as many events as fit in size (at most
// HubSpot's 100), padded to size.
func hubspotBench(size int) []byte {
	n := min(ingress.HubSpotMaxBatch, max(1, size/(len(hubspotBatch(1))+1)-1))
	return padded(hubspotBatch(seq(1, n)...), size)
}
