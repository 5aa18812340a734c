package activities_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/testenv"
)

var stripeMockURL string

func TestMain(m *testing.M) {
	url, stop, err := testenv.StripeMock()
	if err != nil {
		panic(err)
	}
	stripeMockURL = url
	code := m.Run()
	stop()
	os.Exit(code)
}

func stripeEnv(t *testing.T, key string) (*activities.Stripe, *testsuite.TestActivityEnvironment) {
	s := activities.NewStripe(activities.StripeConfig{APIKey: key, APIBase: stripeMockURL})
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(s)
	return s, env
}

func TestRetrievePaymentIntentFromStripeMock(t *testing.T) {
	t.Parallel()
	s, env := stripeEnv(t, "sk_test_123")
	v, err := env.ExecuteActivity(s.RetrievePaymentIntent, activities.RetrievePaymentIntentInput{ID: "pi_abc"})
	require.NoError(t, err)
	var pi activities.PaymentIntent
	require.NoError(t, v.Get(&pi))
	assert.Equal(t, "pi_abc", pi.ID, "stripe-mock echoes the requested ID")
	assert.NotEmpty(t, pi.Currency)
	assert.NotEmpty(t, pi.CustomerID, "customer is expanded")
}

func TestStripeBadKeyIsPermanentAndRedacted(t *testing.T) {
	t.Parallel()
	s, env := stripeEnv(t, "not-a-key")
	_, err := env.ExecuteActivity(s.RetrievePaymentIntent, activities.RetrievePaymentIntentInput{ID: "pi_abc"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "401 is not retried: %v", err)
}

func TestStripeDisabledWithoutKey(t *testing.T) {
	t.Parallel()
	s, env := stripeEnv(t, "")
	_, err := env.ExecuteActivity(s.RetrievePaymentIntent, activities.RetrievePaymentIntentInput{ID: "pi_abc"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err))
	assert.Contains(t, err.Error(), "STRIPE_API_KEY")
}

func TestListEventsFromStripeMock(t *testing.T) {
	t.Parallel()
	s, env := stripeEnv(t, "sk_test_123")
	// stripe-mock validates parameters against Stripe's OpenAPI spec, so a
	// wrongly encoded created[gte] or types[] would fail here with a 400.
	v, err := env.ExecuteActivity(s.ListEvents, activities.ListEventsInput{
		Since: time.Now().Add(-24 * time.Hour), Types: []string{"payment_intent.succeeded", "charge.refunded"}, Limit: 5,
	})
	require.NoError(t, err)
	var res activities.ListEventsResult
	require.NoError(t, v.Get(&res))
	require.NotEmpty(t, res.Events)
	e := res.Events[0]
	assert.NotEmpty(t, e.ID)
	assert.NotEmpty(t, e.Type)
	assert.False(t, e.Created.IsZero())
	var raw struct {
		ID     string `json:"id"`
		Object string `json:"object"`
		Data   struct {
			Object map[string]any `json:"object"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(e.Raw, &raw))
	assert.Equal(t, e.ID, raw.ID)
	assert.Equal(t, "event", raw.Object)
	assert.NotEmpty(t, raw.Data.Object, "the raw event keeps its data.object")

	_, err = env.ExecuteActivity(s.ListEvents, activities.ListEventsInput{Types: make([]string, 21)})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "more than 20 types is rejected before calling Stripe")
}

func TestRetrieveStripeObjectsFromStripeMock(t *testing.T) {
	t.Parallel()
	s, env := stripeEnv(t, "sk_test_123")
	cs, err := run[activities.CheckoutSession](t, env, s.RetrieveCheckoutSession, activities.RetrieveCheckoutSessionInput{ID: "cs_1"})
	require.NoError(t, err)
	assert.Equal(t, "cs_1", cs.ID)
	assert.NotEmpty(t, cs.CustomerID, "customer is expanded")
	assert.NotEmpty(t, cs.CustomerEmail, "from customer_details")

	ch, err := run[activities.Charge](t, env, s.RetrieveCharge, activities.RetrieveChargeInput{ID: "ch_1"})
	require.NoError(t, err)
	assert.Equal(t, "ch_1", ch.ID)
	assert.NotZero(t, ch.Amount)

	inv, err := run[activities.Invoice](t, env, s.RetrieveInvoice, activities.RetrieveInvoiceInput{ID: "in_1"})
	require.NoError(t, err)
	assert.Equal(t, "in_1", inv.ID)
	assert.NotEmpty(t, inv.CustomerID)

	c, err := run[activities.Customer](t, env, s.RetrieveCustomer, activities.RetrieveCustomerInput{ID: "cus_1"})
	require.NoError(t, err)
	assert.Equal(t, "cus_1", c.ID)
}
