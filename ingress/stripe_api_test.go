package ingress_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

// An event read from the API becomes the same Event its webhook would have:
// that is what makes reconciliation dedupe against received webhooks.
func TestStripeEventFromAPIMatchesTheWebhook(t *testing.T) {
	body := stripeEvent("evt_api_1")
	src, err := ingress.NewStripe([]string{stripeSecret})
	require.NoError(t, err)
	d, err := src.Open(signedStripe(body, stripeSecret, time.Now()), body)
	require.NoError(t, err)
	fromWebhook := d.Events[0]

	fromAPI, err := ingress.StripeEventFromAPI(body)
	require.NoError(t, err)
	assert.Equal(t, fromWebhook.WorkflowID, fromAPI.WorkflowID)
	assert.Equal(t, fromWebhook.Type, fromAPI.Type)
	assert.Equal(t, fromWebhook.ObjectID, fromAPI.ObjectID)
	assert.Equal(t, fromWebhook.Summary, fromAPI.Summary)
	assert.JSONEq(t, string(body), string(fromAPI.Payload))
	assert.Equal(t, "reconcile", fromAPI.Meta["via"])

	for _, bad := range []string{`{`, `{"id":"","type":"x"}`, `{"id":"evt_2"}`, `{"id":"evt 3","type":"x"}`} {
		_, err := ingress.StripeEventFromAPI([]byte(bad))
		assert.ErrorIs(t, err, ingress.ErrMalformed, bad)
	}
}
