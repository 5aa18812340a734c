package ingress_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

func TestStandardWebhooksOpen(t *testing.T) {
	t.Parallel()
	// The receiver lists the new secret and the one being retired.
	src, err := ingress.NewStandardWebhooks("acme", []string{swSecret, swOldSecret})
	require.NoError(t, err)
	body := []byte(invoicePaid)
	now := time.Now()
	const target = "/v1/webhooks/acme"
	with := func(r *http.Request, f func(*http.Request)) *http.Request { f(r); return r }

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedStandard(target, "msg_1", body, now, swSecret), body, nil},
		{"rotated: sender still on the old secret", signedStandard(target, "msg_1", body, now, swOldSecret), body, nil},
		{"rotated: sender signs with both", signedStandard(target, "msg_1", body, now, "whsec_"+"dW5rbm93bi1zZWNyZXQ=", swSecret), body, nil},
		{"tampered body", signedStandard(target, "msg_1", body, now, swSecret), []byte(strings.Replace(invoicePaid, "1200", "1", 1)), ingress.ErrBadSignature},
		{"tampered id", with(signedStandard(target, "msg_1", body, now, swSecret), func(r *http.Request) { r.Header.Set("webhook-id", "msg_2") }), body, ingress.ErrBadSignature},
		{"wrong secret", signedStandard(target, "msg_1", body, now, "whsec_YXR0YWNrZXI="), body, ingress.ErrBadSignature},
		{"stale", signedStandard(target, "msg_1", body, now.Add(-6*time.Minute), swSecret), body, ingress.ErrStale},
		{"from the future", signedStandard(target, "msg_1", body, now.Add(6*time.Minute), swSecret), body, ingress.ErrStale},
		{"missing id", with(signedStandard(target, "msg_1", body, now, swSecret), func(r *http.Request) { r.Header.Del("webhook-id") }), body, ingress.ErrBadSignature},
		{"missing signature", with(signedStandard(target, "msg_1", body, now, swSecret), func(r *http.Request) { r.Header.Del("webhook-signature") }), body, ingress.ErrBadSignature},
		{"missing timestamp", with(signedStandard(target, "msg_1", body, now, swSecret), func(r *http.Request) { r.Header.Del("webhook-timestamp") }), body, ingress.ErrBadSignature},
		{"timestamp not a number", with(signedStandard(target, "msg_1", body, now, swSecret), func(r *http.Request) { r.Header.Set("webhook-timestamp", "soon") }), body, ingress.ErrBadSignature},
		{"signed but no type", signedStandard(target, "msg_1", []byte(`{"data":{}}`), now, swSecret), []byte(`{"data":{}}`), ingress.ErrMalformed},
		{"signed but not JSON", signedStandard(target, "msg_1", []byte(`hello`), now, swSecret), []byte(`hello`), ingress.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "whsec_")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "acme:msg_1", ev.WorkflowID)
			assert.Equal(t, "invoice.paid", ev.Type, "the type is the body's type field")
			assert.Equal(t, "inv_42", ev.ObjectID)
			assert.JSONEq(t, invoicePaid, string(ev.Payload))
		})
	}
}

func TestNewStandardWebhooksFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewStandardWebhooks("acme", nil)
	require.Error(t, err)
	_, err = ingress.NewStandardWebhooks("acme", []string{"whsec_not base64!"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "not base64!", "the error names the secret's position, not its value")
}
