package ingress

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// StandardWebhooks verifies any sender that follows the Standard Webhooks
// specification (webhook-id, webhook-timestamp, webhook-signature), with the
// specification's own Go library: whsec_ secrets, several space-separated
// signatures so a sender can rotate, a 5-minute timestamp window. One
// configured source per sender; its name is its URL and workflow ID prefix.
//
// The event type is the body's "type" field, as the specification's payload
// convention ({"type", "timestamp", "data"}) has it; the object ID is
// data.id when that is a string.
type StandardWebhooks struct {
	name  string
	hooks []*standardwebhooks.Webhook
}

// NewStandardWebhooks fails closed: no secret, or a secret that is not
// base64 (with or without the whsec_ prefix), is an error.
func NewStandardWebhooks(name string, secrets []string) (*StandardWebhooks, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%s source: no webhook secret", name)
	}
	s := &StandardWebhooks{name: name}
	for i, secret := range secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil { // the library's error does not echo the secret
			return nil, fmt.Errorf("%s source: secret %d is not a whsec_ base64 secret", name, i+1)
		}
		s.hooks = append(s.hooks, wh)
	}
	return s, nil
}

// Name implements Source.
func (s *StandardWebhooks) Name() string { return s.name }

// StandardWebhooksWorkflowID is the workflow ID of a message: the spec makes
// webhook-id the idempotency key, the same on every retry.
func StandardWebhooksWorkflowID(source, webhookID string) string { return source + ":" + webhookID }

// Open implements Source.
func (s *StandardWebhooks) Open(r *http.Request, body []byte) (Delivery, error) {
	if err := s.verify(r.Header, body); err != nil {
		return Delivery{}, err
	}
	id := r.Header.Get(standardwebhooks.HeaderWebhookID)
	if err := checkID("webhook-id", id); err != nil {
		return Delivery{}, err
	}
	var env struct {
		Type string `json:"type"`
		Data struct {
			ID any `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Delivery{}, fmt.Errorf("%w: body is not a JSON object with a type and data", ErrMalformed)
	}
	if err := checkID("type", env.Type); err != nil {
		return Delivery{}, err
	}
	objectID, _ := env.Data.ID.(string)
	summary := s.name + " " + env.Type
	if objectID != "" {
		summary += " " + objectID
	}
	return Delivery{Events: []Event{{
		WorkflowID: StandardWebhooksWorkflowID(s.name, id),
		EventID:    id,
		Type:       env.Type,
		ObjectID:   objectID,
		Summary:    summary,
		Payload:    body,
		Meta:       map[string]string{"webhook_timestamp": r.Header.Get(standardwebhooks.HeaderWebhookTimestamp)},
	}}}, nil
}

// verify tries each secret. The library checks the timestamp before the MAC,
// so a stale request is reported stale whatever its signature.
func (s *StandardWebhooks) verify(h http.Header, body []byte) error {
	for _, wh := range s.hooks {
		err := wh.Verify(body, h)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, standardwebhooks.ErrNoMatchingSignature):
			continue
		case errors.Is(err, standardwebhooks.ErrRequiredHeaders):
			return fmt.Errorf("%w: webhook-id, webhook-timestamp or webhook-signature header missing", ErrBadSignature)
		case errors.Is(err, standardwebhooks.ErrMessageTooOld), errors.Is(err, standardwebhooks.ErrMessageTooNew):
			return fmt.Errorf("%w: webhook-timestamp more than 5 minutes from now", ErrStale)
		default:
			return fmt.Errorf("%w: webhook-timestamp unreadable", ErrBadSignature)
		}
	}
	return fmt.Errorf("%w: webhook-signature matches no configured secret", ErrBadSignature)
}
