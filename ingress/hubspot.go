package ingress

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HubSpot webhook limits.
const (
	// HubSpotTolerance is how far X-HubSpot-Request-Timestamp may be from now.
	HubSpotTolerance = 5 * time.Minute
	// HubSpotMaxBatch is the most events HubSpot sends in one request.
	HubSpotMaxBatch = 100
	// HubSpotStartTimeout bounds the starts of one batch: HubSpot gives up
	// (and retries) after 5 seconds.
	HubSpotStartTimeout = 4 * time.Second
)

// HubSpot verifies X-HubSpot-Signature-v3. HubSpot publishes no Go library
// for it, so this is hand-written (and fuzzed): base64 HMAC-SHA256, keyed
// with the app's client secret, over method + URL + body + timestamp.
type HubSpot struct {
	secrets [][]byte
	proxies Proxies
	now     func() time.Time
}

// NewHubSpot fails closed: a HubSpot source with no secret cannot be built.
// proxies decide whose X-Forwarded-Proto/Host describe the signed URL.
func NewHubSpot(secrets []string, proxies Proxies) (*HubSpot, error) {
	if len(secrets) == 0 {
		return nil, errors.New("hubspot source: no client secret (HUBSPOT_CLIENT_SECRET)")
	}
	h := &HubSpot{proxies: proxies, now: time.Now}
	for _, s := range secrets {
		h.secrets = append(h.secrets, []byte(s))
	}
	return h, nil
}

// Name implements Source.
func (*HubSpot) Name() string { return "hubspot" }

// HubSpotWorkflowID is the workflow ID of one event of a batch. HubSpot
// retries a whole batch, so the events already started dedupe on it.
func HubSpotWorkflowID(eventID string) string { return "hubspot:" + eventID }

// Open implements Source: one Event per element of the batch.
func (h *HubSpot) Open(r *http.Request, body []byte) (Delivery, error) {
	if err := h.verify(r, body); err != nil {
		return Delivery{}, err
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(body, &batch); err != nil {
		return Delivery{}, fmt.Errorf("%w: body is not a JSON array of HubSpot events", ErrMalformed)
	}
	if len(batch) == 0 || len(batch) > HubSpotMaxBatch {
		return Delivery{}, fmt.Errorf("%w: want 1 to %d events, got %d", ErrMalformed, HubSpotMaxBatch, len(batch))
	}
	d := Delivery{Events: make([]Event, 0, len(batch)), Batch: true}
	for i, raw := range batch {
		ev, err := hubspotEvent(raw)
		if err != nil {
			return Delivery{}, fmt.Errorf("event %d: %w", i, err)
		}
		d.Events = append(d.Events, ev)
	}
	return d, nil
}

// verify checks the MAC first and the timestamp second, so "stale" only
// ever describes an authentic request.
func (h *HubSpot) verify(r *http.Request, body []byte) error {
	sig, ts := r.Header.Get("X-HubSpot-Signature-v3"), r.Header.Get("X-HubSpot-Request-Timestamp")
	if sig == "" || ts == "" {
		return fmt.Errorf("%w: X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header missing", ErrBadSignature)
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: X-HubSpot-Request-Timestamp is not a number", ErrBadSignature)
	}
	given, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(given) != sha256.Size {
		return fmt.Errorf("%w: X-HubSpot-Signature-v3 is not a base64 SHA-256 MAC", ErrBadSignature)
	}
	uri := hubspotURI(h.proxies.PublicURL(r))
	ok := false
	for _, secret := range h.secrets {
		ok = hmac.Equal(given, HubSpotMAC(secret, r.Method, uri, body, ts)) || ok
	}
	if !ok {
		return fmt.Errorf("%w: X-HubSpot-Signature-v3 matches no configured secret", ErrBadSignature)
	}
	if age := h.now().Sub(time.UnixMilli(ms)); age > HubSpotTolerance || age < -HubSpotTolerance {
		return fmt.Errorf("%w: X-HubSpot-Request-Timestamp more than %s from now", ErrStale, HubSpotTolerance)
	}
	return nil
}

// HubSpotMAC is the v3 MAC: HMAC-SHA256(secret, method + uri + body + timestamp).
func HubSpotMAC(secret []byte, method, uri string, body []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(method))
	m.Write([]byte(uri))
	m.Write(body)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// hubspotURIDecoder undoes the escapes HubSpot decodes before signing (its
// "Validating requests" table); every other escape stays as sent.
var hubspotURIDecoder = func() *strings.Replacer {
	var pairs []string
	for esc, ch := range map[string]string{
		"3A": ":", "2F": "/", "3F": "?", "40": "@", "21": "!", "24": "$",
		"27": "'", "28": "(", "29": ")", "2A": "*", "2C": ",", "3B": ";",
	} {
		pairs = append(pairs, "%"+esc, ch, "%"+strings.ToLower(esc), ch)
	}
	return strings.NewReplacer(pairs...)
}()

func hubspotURI(url string) string { return hubspotURIDecoder.Replace(url) }

// hubspotEnvelope holds the fields of a webhook event Switchyard reads. IDs
// are numbers in HubSpot's JSON; json.Number keeps them exact.
type hubspotEnvelope struct {
	EventID          json.Number `json:"eventId"`
	SubscriptionType string      `json:"subscriptionType"`
	ObjectID         json.Number `json:"objectId"`
	PortalID         json.Number `json:"portalId"`
	AppID            json.Number `json:"appId"`
	SubscriptionID   json.Number `json:"subscriptionId"`
	OccurredAt       json.Number `json:"occurredAt"`
	AttemptNumber    json.Number `json:"attemptNumber"`
	PropertyName     string      `json:"propertyName"`
	ChangeSource     string      `json:"changeSource"`
}

func hubspotEvent(raw json.RawMessage) (Event, error) {
	var env hubspotEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return Event{}, fmt.Errorf("%w: not a HubSpot event object", ErrMalformed)
	}
	if err := checkID("eventId", env.EventID.String()); err != nil {
		return Event{}, err
	}
	if err := checkID("subscriptionType", env.SubscriptionType); err != nil {
		return Event{}, err
	}
	summary := "hubspot " + env.SubscriptionType
	if env.ObjectID != "" {
		summary += " " + env.ObjectID.String()
	}
	meta := map[string]string{}
	for k, v := range map[string]string{
		"portal_id": env.PortalID.String(), "app_id": env.AppID.String(), "subscription_id": env.SubscriptionID.String(),
		"occurred_at": env.OccurredAt.String(), "attempt_number": env.AttemptNumber.String(),
		"property_name": env.PropertyName, "change_source": env.ChangeSource,
	} {
		if v != "" {
			meta[k] = v
		}
	}
	return Event{
		WorkflowID: HubSpotWorkflowID(env.EventID.String()),
		EventID:    env.EventID.String(),
		Type:       env.SubscriptionType,
		ObjectID:   env.ObjectID.String(),
		Summary:    summary,
		Payload:    raw,
		Meta:       meta,
	}, nil
}
