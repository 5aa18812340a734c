package ingress

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Shopify verifies X-Shopify-Hmac-Sha256, the base64 HMAC-SHA256 of the raw
// body keyed with the app's client secret. Shopify signs no timestamp, so
// there is no staleness check: a replay carries the same X-Shopify-Event-Id
// and dedupes to the same workflow (as with GitHub). The Go Shopify clients
// are third-party, so this is hand-written (and fuzzed).
type Shopify struct {
	secrets [][]byte
}

// NewShopify fails closed: a Shopify source with no secret cannot be built.
func NewShopify(secrets []string) (*Shopify, error) {
	if len(secrets) == 0 {
		return nil, errors.New("shopify source: no client secret (SHOPIFY_CLIENT_SECRET)")
	}
	s := &Shopify{}
	for _, sec := range secrets {
		s.secrets = append(s.secrets, []byte(sec))
	}
	return s, nil
}

// Name implements Source.
func (*Shopify) Name() string { return "shopify" }

// ShopifyWorkflowID is the workflow ID of an event. Shopify keeps
// X-Shopify-Event-Id across retries and across subscriptions to the same event.
func ShopifyWorkflowID(eventID string) string { return "shopify:" + eventID }

// Open implements Source.
func (s *Shopify) Open(r *http.Request, body []byte) (Delivery, error) {
	if err := s.verify(r.Header.Get("X-Shopify-Hmac-Sha256"), body); err != nil {
		return Delivery{}, err
	}
	topic, eventID := r.Header.Get("X-Shopify-Topic"), r.Header.Get("X-Shopify-Event-Id")
	if err := checkID("X-Shopify-Topic", topic); err != nil {
		return Delivery{}, err
	}
	if err := checkID("X-Shopify-Event-Id", eventID); err != nil {
		return Delivery{}, err
	}
	var obj struct {
		ID        json.Number `json:"id"`
		GraphQLID string      `json:"admin_graphql_api_id"`
		Name      string      `json:"name"` // an order's "#1001"
	}
	if err := json.Unmarshal(body, &obj); err != nil {
		return Delivery{}, fmt.Errorf("%w: body is not a Shopify JSON object", ErrMalformed)
	}
	objectID := obj.GraphQLID
	if objectID == "" {
		objectID = obj.ID.String()
	}
	summary := "shopify " + topic
	for _, part := range []string{obj.Name, objectID} {
		if part != "" {
			summary += " " + part
			break
		}
	}
	return Delivery{Events: []Event{{
		WorkflowID: ShopifyWorkflowID(eventID),
		EventID:    eventID,
		Type:       topic,
		ObjectID:   objectID,
		Summary:    summary,
		Payload:    body,
		Meta: map[string]string{
			"webhook_id": r.Header.Get("X-Shopify-Webhook-Id"), "triggered_at": r.Header.Get("X-Shopify-Triggered-At"),
			"shop_domain": r.Header.Get("X-Shopify-Shop-Domain"), "api_version": r.Header.Get("X-Shopify-API-Version"),
		},
	}}}, nil
}

// verify compares in constant time against every active secret.
func (s *Shopify) verify(sig string, body []byte) error {
	if sig == "" {
		return fmt.Errorf("%w: X-Shopify-Hmac-Sha256 header missing", ErrBadSignature)
	}
	given, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(given) != sha256.Size {
		return fmt.Errorf("%w: X-Shopify-Hmac-Sha256 is not a base64 SHA-256 MAC", ErrBadSignature)
	}
	ok := false
	for _, secret := range s.secrets {
		ok = hmac.Equal(given, ShopifyMAC(secret, body)) || ok
	}
	if !ok {
		return fmt.Errorf("%w: X-Shopify-Hmac-Sha256 matches no configured secret", ErrBadSignature)
	}
	return nil
}

// ShopifyMAC is the MAC behind X-Shopify-Hmac-Sha256 (which is its base64):
// HMAC-SHA256 of the raw body, keyed with the app's client secret.
func ShopifyMAC(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}
