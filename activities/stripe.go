package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	stripeclient "github.com/stripe/stripe-go/v76/client"
)

// StripeConfig is what the Stripe activities need. The key stays in the worker:
// it never enters a workflow's input or history.
type StripeConfig struct {
	APIKey  string
	APIBase string // https://api.stripe.com, or stripe-mock in tests
	Timeout time.Duration
}

// Stripe holds the Stripe API client; its methods are activities.
type Stripe struct {
	api *stripeclient.API
}

// NewStripe builds the client once. With no API key the integration is
// disabled: every activity fails non-retryably, naming STRIPE_API_KEY.
func NewStripe(cfg StripeConfig) *Stripe {
	if cfg.APIKey == "" {
		return &Stripe{}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL:        stripe.String(cfg.APIBase),
		HTTPClient: &http.Client{Timeout: cfg.Timeout},
		// Temporal owns retries; a second retry loop inside the SDK would
		// multiply attempts and hide failures from the workflow history.
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	return &Stripe{api: stripeclient.New(cfg.APIKey, backends)}
}

// RetrievePaymentIntentInput names the PaymentIntent to fetch.
type RetrievePaymentIntentInput struct {
	ID string
}

// PaymentIntent is the current state of a PaymentIntent as the Stripe API reports it.
type PaymentIntent struct {
	ID             string
	Status         string
	Amount         int64
	AmountReceived int64
	Currency       string
	CustomerID     string
	CustomerEmail  string
	CustomerName   string
	LatestChargeID string
	Livemode       bool
}

// RetrievePaymentIntent fetches the PaymentIntent with its customer and latest
// charge expanded: the webhook says something happened, the API says what is
// true now.
func (s *Stripe) RetrievePaymentIntent(ctx context.Context, in RetrievePaymentIntentInput) (*PaymentIntent, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	params := &stripe.PaymentIntentParams{}
	params.Context = ctx
	params.AddExpand("customer")
	params.AddExpand("latest_charge")
	pi, err := s.api.PaymentIntents.Get(in.ID, params)
	if err != nil {
		return nil, stripeError(err)
	}
	out := &PaymentIntent{
		ID: pi.ID, Status: string(pi.Status), Amount: pi.Amount, AmountReceived: pi.AmountReceived,
		Currency: string(pi.Currency), Livemode: pi.Livemode,
	}
	if pi.Customer != nil {
		out.CustomerID, out.CustomerEmail, out.CustomerName = pi.Customer.ID, pi.Customer.Email, pi.Customer.Name
	}
	if pi.LatestCharge != nil {
		out.LatestChargeID = pi.LatestCharge.ID
	}
	return out, nil
}

// stripeError classifies a stripe-go error by its HTTP status.
func stripeError(err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		retryAfter := time.Duration(0)
		if se.LastResponse != nil {
			retryAfter = RetryAfter(se.LastResponse.Header, time.Now())
		}
		return classify("StripeInvalidRequest", se.HTTPStatusCode, retryAfter,
			fmt.Errorf("stripe %s: %s", se.Type, se.Msg))
	}
	return classify("Stripe", 0, 0, err)
}
