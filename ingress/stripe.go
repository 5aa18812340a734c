package ingress

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// StripeTolerance is how old a Stripe signature timestamp may be.
const StripeTolerance = 300 * time.Second

// Stripe verifies Stripe-Signature with stripe-go. Several secrets may be
// active at once while one is rotated.
type Stripe struct {
	secrets []string
}

// NewStripe fails closed: a Stripe source with no secret cannot be built.
func NewStripe(secrets []string) (*Stripe, error) {
	if len(secrets) == 0 {
		return nil, errors.New("stripe source: no webhook secret (STRIPE_WEBHOOK_SECRET)")
	}
	return &Stripe{secrets: secrets}, nil
}

// Name implements Source.
func (*Stripe) Name() string { return "stripe" }

// StripeWorkflowID is the workflow ID of a Stripe event.
func StripeWorkflowID(eventID string) string { return "stripe:" + eventID }

// Open implements Source.
func (s *Stripe) Open(r *http.Request, body []byte) (Delivery, error) {
	header := r.Header.Get("Stripe-Signature")
	if header == "" {
		return Delivery{}, fmt.Errorf("%w: Stripe-Signature header missing", ErrBadSignature)
	}
	evt, err := s.construct(body, header)
	if err != nil {
		return Delivery{}, err
	}
	if err := checkID("event id", evt.ID); err != nil {
		return Delivery{}, err
	}
	if evt.Type == "" {
		return Delivery{}, fmt.Errorf("%w: event type missing", ErrMalformed)
	}
	objectID, summary := stripeSummary(evt)
	return Delivery{Events: []Event{{
		WorkflowID: StripeWorkflowID(evt.ID),
		EventID:    evt.ID,
		Type:       string(evt.Type),
		ObjectID:   objectID,
		Summary:    summary,
		Payload:    json.RawMessage(body),
		Meta:       map[string]string{"api_version": evt.APIVersion, "livemode": strconv.FormatBool(evt.Livemode), "account": evt.Account},
	}}}, nil
}

// construct tries each secret in turn. IgnoreAPIVersionMismatch: Stripe sends
// events in the account's API version, which need not be stripe-go's; the
// workflow reads only a few envelope fields and re-fetches the object through
// the API, pinned to stripe-go's version, anyway.
func (s *Stripe) construct(body []byte, header string) (stripe.Event, error) {
	opts := webhook.ConstructEventOptions{Tolerance: StripeTolerance, IgnoreAPIVersionMismatch: true}
	for _, secret := range s.secrets {
		evt, err := webhook.ConstructEventWithOptions(body, header, secret, opts)
		switch {
		case err == nil:
			return evt, nil
		case errors.Is(err, webhook.ErrNoValidSignature):
			continue
		case errors.Is(err, webhook.ErrTooOld):
			return evt, fmt.Errorf("%w: Stripe-Signature timestamp older than %s", ErrStale, StripeTolerance)
		case errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNotSigned):
			return evt, fmt.Errorf("%w: Stripe-Signature header unreadable", ErrBadSignature)
		default:
			// The signature matched, so the body is the sender's: it is not JSON.
			return evt, fmt.Errorf("%w: body is not a Stripe event", ErrMalformed)
		}
	}
	return stripe.Event{}, fmt.Errorf("%w: no Stripe-Signature matches a configured secret", ErrBadSignature)
}

// stripeSummary finds the event's object ID and a one-line summary such as
// "stripe payment_intent.succeeded pi_123 10.99 USD".
func stripeSummary(evt stripe.Event) (objectID, summary string) {
	summary = "stripe " + string(evt.Type)
	if evt.Data == nil {
		return "", summary
	}
	objectID, _ = evt.Data.Object["id"].(string)
	if objectID != "" {
		summary += " " + objectID
	}
	amount, okA := evt.Data.Object["amount"].(float64)
	currency, okC := evt.Data.Object["currency"].(string)
	if okA && okC {
		summary += " " + FormatAmount(int64(amount), currency)
	}
	return objectID, summary
}

// zeroDecimal are the currencies Stripe counts in whole units.
var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true, "krw": true, "mga": true,
	"pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true, "xof": true, "xpf": true,
}

// FormatAmount renders a Stripe amount in minor units, e.g. 1099 usd → "10.99 USD".
func FormatAmount(amount int64, currency string) string {
	cur := strings.ToUpper(currency)
	if zeroDecimal[strings.ToLower(currency)] {
		return fmt.Sprintf("%d %s", amount, cur)
	}
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, amount/100, amount%100, cur)
}
