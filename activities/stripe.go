package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	stripeclient "github.com/stripe/stripe-go/v76/client"
	"go.temporal.io/sdk/temporal"
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
	AmountRefunded int64 // refunded on the latest charge
	Refunded       bool  // the latest charge is fully refunded
	Description    string
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
		Currency: string(pi.Currency), Livemode: pi.Livemode, Description: pi.Description,
	}
	if pi.Customer != nil {
		out.CustomerID, out.CustomerEmail, out.CustomerName = pi.Customer.ID, pi.Customer.Email, pi.Customer.Name
	}
	if pi.LatestCharge != nil {
		out.LatestChargeID = pi.LatestCharge.ID
		out.AmountRefunded, out.Refunded = pi.LatestCharge.AmountRefunded, pi.LatestCharge.Refunded
		if out.CustomerEmail == "" && pi.LatestCharge.BillingDetails != nil {
			out.CustomerEmail = firstNonEmpty(pi.LatestCharge.BillingDetails.Email, pi.LatestCharge.ReceiptEmail)
		}
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

// ListEventsInput selects Stripe events for reconciliation: those created at
// or after Since, optionally only of some Types (at most 20, Stripe's limit),
// newest first as Stripe lists them. Limit caps how many one call returns
// (default and maximum 1000, so the result stays far below Temporal's payload
// limit); StartingAfter resumes from a previous result's NextCursor.
type ListEventsInput struct {
	Since         time.Time
	Types         []string
	Limit         int
	StartingAfter string
}

// StripeEvent is one event as the Stripe API lists it. Raw is the whole event
// JSON, the same shape a webhook delivers, so it can be fed to a workflow.
type StripeEvent struct {
	ID      string
	Type    string
	Created time.Time
	Raw     json.RawMessage
}

// ListEventsResult is one batch of events. NextCursor is set when Limit cut
// the listing short: pass it as StartingAfter to continue.
type ListEventsResult struct {
	Events     []StripeEvent
	NextCursor string
}

// maxListEvents bounds one activity's result: 1,000 events of a few KB each
// stay well below Temporal's 2 MB payload limit only if callers page, so the
// cap is also the default.
const maxListEvents = 1000

// ListEvents lists events with GET /v1/events and created[gte], following
// Stripe's starting_after paging until Limit events or the end. It only
// reads, so retrying it is harmless.
func (s *Stripe) ListEvents(ctx context.Context, in ListEventsInput) (*ListEventsResult, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	if len(in.Types) > 20 {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("list events: %d types given, Stripe accepts at most 20", len(in.Types)), "StripeInvalidRequest", nil)
	}
	limit := in.Limit
	if limit <= 0 || limit > maxListEvents {
		limit = maxListEvents
	}
	params := &stripe.EventListParams{}
	params.Context = ctx
	params.Limit = stripe.Int64(int64(min(limit, 100))) // page size; Stripe's maximum is 100
	if !in.Since.IsZero() {
		params.CreatedRange = &stripe.RangeQueryParams{GreaterThanOrEqual: in.Since.Unix()}
	}
	for _, t := range in.Types {
		params.Types = append(params.Types, stripe.String(t))
	}
	if in.StartingAfter != "" {
		params.StartingAfter = stripe.String(in.StartingAfter)
	}
	out := &ListEventsResult{}
	it := s.api.Events.List(params)
	for it.Next() {
		if len(out.Events) == limit {
			out.NextCursor = out.Events[len(out.Events)-1].ID
			break
		}
		e := it.Event()
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("encode event %s: %v", e.ID, err), "StripeDecode", nil)
		}
		out.Events = append(out.Events, StripeEvent{ID: e.ID, Type: string(e.Type), Created: time.Unix(e.Created, 0).UTC(), Raw: raw})
	}
	if err := it.Err(); err != nil {
		return nil, stripeError(err)
	}
	return out, nil
}
