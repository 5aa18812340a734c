package activities_test

import (
	"os"
	"testing"

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
