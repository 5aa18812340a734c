package ingress_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

func TestShopifyOpen(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewShopify([]string{shopifySecret, shopifyOldSecret})
	require.NoError(t, err)
	body := []byte(shopifyOrder)
	with := func(r *http.Request, f func(*http.Request)) *http.Request { f(r); return r }
	const evID = "7f3d2a1b-0000-4000-8000-000000000001"

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedShopify(body, shopifySecret, evID), body, nil},
		{"rotated secret still accepted", signedShopify(body, shopifyOldSecret, evID), body, nil},
		// Shopify signs no timestamp: an old delivery (a retry days later) is
		// accepted and dedupes on its event ID; Triggered-At is only kept.
		{"stale delivery dedupes instead", with(signedShopify(body, shopifySecret, evID), func(r *http.Request) {
			r.Header.Set("X-Shopify-Triggered-At", "2020-01-01T00:00:00Z")
		}), body, nil},
		{"tampered body", signedShopify(body, shopifySecret, evID), []byte(strings.Replace(shopifyOrder, "403.00", "0.01", 1)), ingress.ErrBadSignature},
		{"wrong secret", signedShopify(body, "attacker", evID), body, ingress.ErrBadSignature},
		{"missing signature", with(signedShopify(body, shopifySecret, evID), func(r *http.Request) { r.Header.Del("X-Shopify-Hmac-Sha256") }), body, ingress.ErrBadSignature},
		{"hex instead of base64", with(signedShopify(body, shopifySecret, evID), func(r *http.Request) { r.Header.Set("X-Shopify-Hmac-Sha256", "deadbeef") }), body, ingress.ErrBadSignature},
		{"missing event id", with(signedShopify(body, shopifySecret, evID), func(r *http.Request) { r.Header.Del("X-Shopify-Event-Id") }), body, ingress.ErrMalformed},
		{"missing topic", with(signedShopify(body, shopifySecret, evID), func(r *http.Request) { r.Header.Del("X-Shopify-Topic") }), body, ingress.ErrMalformed},
		{"signed but not JSON", signedShopify([]byte("<xml/>"), shopifySecret, evID), []byte("<xml/>"), ingress.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "client-secret")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "shopify:"+evID, ev.WorkflowID)
			assert.Equal(t, "orders/create", ev.Type)
			assert.Equal(t, "gid://shopify/Order/820982911946154508", ev.ObjectID)
			assert.Equal(t, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", ev.Meta["webhook_id"])
			assert.Equal(t, tc.req.Header.Get("X-Shopify-Triggered-At"), ev.Meta["triggered_at"])
			assert.Equal(t, "acme.myshopify.com", ev.Meta["shop_domain"])
			assert.JSONEq(t, shopifyOrder, string(ev.Payload))
		})
	}
}

func TestNewShopifyFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewShopify(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SHOPIFY_CLIENT_SECRET")
}
