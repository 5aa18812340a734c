package ingress

import "encoding/json"

// StripeEventFromAPI turns an event read from the Stripe API (GET /v1/events,
// with Switchyard's own key, so there is no signature to check) into the same
// Event a webhook of it would have become: same workflow ID, object ID and
// summary. Reconciliation starts it, and a webhook already received dedupes.
func StripeEventFromAPI(raw json.RawMessage) (Event, error) {
	ev, err := parseStripeEvent(raw)
	if err != nil {
		return Event{}, err
	}
	ev.Meta["via"] = "reconcile"
	return ev, nil
}
