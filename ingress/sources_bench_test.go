package ingress_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/switchyard/switchyard/ingress"
)

// Verification and parsing cost per request, for each scheme (no Temporal).
// go test ./ingress -run '^$' -bench Open -benchmem
func BenchmarkOpenEachScheme(b *testing.B) {
	hub, _ := ingress.NewHubSpot([]string{hubspotSecret, hubspotOldSecret}, nil)
	slk, _ := ingress.NewSlack([]string{slackSecret})
	shp, _ := ingress.NewShopify([]string{shopifySecret})
	sw, _ := ingress.NewStandardWebhooks("acme", []string{swSecret, swOldSecret})
	batch := hubspotBatch(seq(1, 100)...)
	slackBody, order, invoice := slackEvent("EvBench"), []byte(shopifyOrder), []byte(invoicePaid)
	cases := []struct {
		name string
		src  ingress.Source
		body []byte
		sign func() *http.Request
	}{
		{"hubspot-100-events", hub, batch, func() *http.Request { return signedHubSpot(hubspotTarget, batch, hubspotSecret, time.Now()) }},
		{"slack", slk, slackBody, func() *http.Request { return signedSlack(slackBody, slackSecret, time.Now()) }},
		{"shopify", shp, order, func() *http.Request { return signedShopify(order, shopifySecret, "ev-bench") }},
		{"standard-webhooks", sw, invoice, func() *http.Request {
			return signedStandard("/v1/webhooks/acme", "msg_b", invoice, time.Now(), swOldSecret)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := c.sign()
			for b.Loop() {
				if _, err := c.src.Open(r, c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
