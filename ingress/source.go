// Package ingress is Switchyard's HTTP front door: it verifies each webhook
// with its sender's own scheme and starts one Temporal workflow per event,
// answering 2xx only once the start is durable.
package ingress

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"unicode"
)

// Source is one webhook sender's scheme. Adding a sender is one file that
// implements it and one line that registers it.
type Source interface {
	// Name is the URL path segment (/v1/webhooks/{name}) and the workflow ID prefix.
	Name() string
	// Open verifies r's signature over the raw body and parses the delivery.
	// Errors wrap ErrBadSignature, ErrStale or ErrMalformed.
	Open(r *http.Request, body []byte) (Delivery, error)
}

// Delivery is what one verified request carries.
type Delivery struct {
	// Events to start, one workflow each; a batch (HubSpot) has several.
	Events []Event
	// Batch marks a sender that delivers events in batches (HubSpot): any
	// failed start answers 503, even for a batch of one, so the sender
	// resends the delivery rather than giving up on a 500.
	Batch bool
	// Reply, when set, is answered as 200 JSON and nothing is started: a ping
	// or a URL verification handshake.
	Reply any
}

// Event is one verified event, ready to become a workflow.
type Event struct {
	WorkflowID string            // built by the source's own helper, e.g. "stripe:evt_1"
	EventID    string            // the sender's ID
	Type       string            // e.g. "payment_intent.succeeded", "issues.opened"
	ObjectID   string            // the main object, if known
	Summary    string            // one line for the Temporal UI's lists
	Payload    json.RawMessage   // this event's raw JSON
	Meta       map[string]string // non-secret delivery metadata
}

// Sentinel errors. Each maps to one HTTP status in statusOf; sources and the
// starter wrap them with context that is safe to show to the sender.
var (
	ErrUnknownSource = errors.New("unknown source")
	ErrForbidden     = errors.New("source address not allowed")
	ErrTooLarge      = errors.New("body too large")
	ErrMalformed     = errors.New("malformed request")
	ErrBadSignature  = errors.New("signature verification failed")
	ErrStale         = errors.New("timestamp outside the tolerance window")
	ErrUnavailable   = errors.New("temporal unavailable")
	ErrStartFailed   = errors.New("workflow start failed")
	// ErrBatchIncomplete: some events of a batch could not be started. It
	// answers 503, whatever the cause, so the sender resends the batch.
	ErrBatchIncomplete = errors.New("batch incomplete")
)

// statusOf is the one place errors become HTTP statuses, with the reason
// label used in metrics and logs.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, ErrUnknownSource):
		return http.StatusNotFound, "unknown_source"
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, ErrStale):
		return http.StatusUnauthorized, "stale"
	case errors.Is(err, ErrBadSignature):
		return http.StatusUnauthorized, "bad_signature"
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest, "malformed"
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	case errors.Is(err, ErrBatchIncomplete): // starts refused outright, not Temporal down
		return http.StatusServiceUnavailable, "batch_incomplete"
	default:
		return http.StatusInternalServerError, "error"
	}
}

// maxIDLen bounds sender-provided IDs; Temporal accepts workflow IDs up to 1000 bytes.
const maxIDLen = 255

// checkID rejects IDs that would make a bad workflow ID: empty, too long, or
// with spaces or control characters.
func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("%w: %s is missing", ErrMalformed, what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrMalformed, what, maxIDLen)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%w: %s has a character that is not allowed", ErrMalformed, what)
		}
	}
	return nil
}
