package ingress_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/switchyard/switchyard/ingress"
)

const (
	stripeSecret    = "whsec_test_current"
	stripeOldSecret = "whsec_test_previous"
)

func stripeEvent(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"payment_intent.succeeded","api_version":"2020-08-27",` +
		`"created":1700000000,"livemode":false,"data":{"object":{"id":"pi_123","object":"payment_intent","amount":1099,"currency":"usd"}}}`)
}

// signedStripe builds a request signed the way Stripe signs, with stripe-go's own test helper.
func signedStripe(body []byte, secret string, at time.Time) *http.Request {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at})
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/stripe", bytes.NewReader(body))
	r.Header.Set("Stripe-Signature", sp.Header)
	return r
}

func TestStripeOpen(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewStripe([]string{stripeSecret, stripeOldSecret})
	require.NoError(t, err)
	body := stripeEvent("evt_1")
	now := time.Now()
	tampered := bytes.Replace(body, []byte("1099"), []byte("9999"), 1)

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedStripe(body, stripeSecret, now), body, nil},
		{"rotated secret still accepted", signedStripe(body, stripeOldSecret, now), body, nil},
		{"tampered body", signedStripe(body, stripeSecret, now), tampered, ingress.ErrBadSignature},
		{"wrong secret", signedStripe(body, "whsec_attacker", now), body, ingress.ErrBadSignature},
		{"stale timestamp", signedStripe(body, stripeSecret, now.Add(-6*time.Minute)), body, ingress.ErrStale},
		{"missing header", func() *http.Request {
			r := signedStripe(body, stripeSecret, now)
			r.Header.Del("Stripe-Signature")
			return r
		}(), body, ingress.ErrBadSignature},
		{"garbage header", func() *http.Request {
			r := signedStripe(body, stripeSecret, now)
			r.Header.Set("Stripe-Signature", "nonsense")
			return r
		}(), body, ingress.ErrBadSignature},
		{"signed but not JSON", signedStripe([]byte("not json"), stripeSecret, now), []byte("not json"), ingress.ErrMalformed},
		{"signed but no id", signedStripe([]byte(`{"type":"x"}`), stripeSecret, now), []byte(`{"type":"x"}`), ingress.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "whsec_")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "stripe:evt_1", ev.WorkflowID)
			assert.Equal(t, "payment_intent.succeeded", ev.Type)
			assert.Equal(t, "pi_123", ev.ObjectID)
			assert.Equal(t, "stripe payment_intent.succeeded pi_123 10.99 USD", ev.Summary)
			assert.JSONEq(t, string(body), string(ev.Payload))
		})
	}
}

func TestNewStripeFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewStripe(nil)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "STRIPE_WEBHOOK_SECRET"))
}

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "10.99 USD", ingress.FormatAmount(1099, "usd"))
	assert.Equal(t, "0.05 EUR", ingress.FormatAmount(5, "eur"))
	assert.Equal(t, "500 JPY", ingress.FormatAmount(500, "jpy"))
	assert.Equal(t, "-1.50 USD", ingress.FormatAmount(-150, "usd"))
}
