package ingress

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stripe/stripe-go/v76"
)

// StripeEventFromAPI turns an event read from the Stripe API (GET /v1/events,
// with Switchyard's own key, so there is no signature to check) into the same
// Event a webhook of it would have become: same workflow ID, object ID and
// summary. Reconciliation starts it, and a webhook already received dedupes.
func StripeEventFromAPI(raw json.RawMessage) (Event, error) {
	var evt stripe.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		return Event{}, fmt.Errorf("%w: not a Stripe event: %v", ErrMalformed, err)
	}
	if err := checkID("event id", evt.ID); err != nil {
		return Event{}, err
	}
	if evt.Type == "" {
		return Event{}, fmt.Errorf("%w: event type missing", ErrMalformed)
	}
	objectID, summary := stripeSummary(evt)
	return Event{
		WorkflowID: StripeWorkflowID(evt.ID),
		EventID:    evt.ID,
		Type:       string(evt.Type),
		ObjectID:   objectID,
		Summary:    summary,
		Payload:    raw,
		Meta: map[string]string{"api_version": evt.APIVersion, "livemode": strconv.FormatBool(evt.Livemode),
			"account": evt.Account, "via": "reconcile"},
	}, nil
}
