package ingress_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The signers below are written from each provider's documentation, apart
// from the verifiers under test, so a shared mistake cannot pass unnoticed.

const (
	hubspotSecret    = "hubspot-client-secret-current"
	hubspotOldSecret = "hubspot-client-secret-previous"
	slackSecret      = "slack-signing-secret-current"
	slackOldSecret   = "slack-signing-secret-previous"
	shopifySecret    = "shopify-client-secret-current"
	shopifyOldSecret = "shopify-client-secret-previous"
	// Standard Webhooks secrets are whsec_ + base64 of the key.
	swSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swOldSecret = "whsec_c2VjcmV0LWtleS10aGF0LXdhcy1yb3RhdGVkLW91dA=="
)

func mac64(secret string, parts ...[]byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	for _, p := range parts {
		m.Write(p)
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signedHubSpot signs as HubSpot v3 does: method + the URL it calls (target,
// absolute) + body + ms timestamp.
func signedHubSpot(target string, body []byte, secret string, at time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-HubSpot-Request-Timestamp", ts)
	r.Header.Set("X-HubSpot-Signature-v3", mac64(secret, []byte("POST"), []byte(target), body, []byte(ts)))
	r.Header.Set("X-HubSpot-Signature-Version", "v3")
	return r
}

func hubspotBatch(ids ...int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventId":%d,"subscriptionId":7,"portalId":62515,"appId":1160452,"occurredAt":1700000000000,`+
			`"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":%d,"propertyName":"email","changeSource":"CRM"}`, id, 1000+id)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// signedSlack signs as Slack does: v0= hex HMAC of "v0:ts:body", seconds.
func signedSlack(body []byte, secret string, at time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/slack", bytes.NewReader(body))
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	return r
}

func slackEvent(eventID string) []byte {
	return []byte(`{"token":"legacy-verification-token","team_id":"T061EG9R6","api_app_id":"A0PNCHHK2","event":{"type":"app_mention",` +
		`"user":"U061F7AUR","text":"<@U0LAN0Z89> is it everything?","ts":"1515449522.000016","channel":"C0LAN2Q65"},` +
		`"type":"event_callback","event_id":"` + eventID + `","event_time":1515449522}`)
}

// signedShopify signs as Shopify does: base64 HMAC of the raw body.
func signedShopify(body []byte, secret, eventID string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/shopify", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Shopify-Hmac-Sha256", mac64(secret, body))
	r.Header.Set("X-Shopify-Topic", "orders/create")
	r.Header.Set("X-Shopify-Event-Id", eventID)
	r.Header.Set("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
	r.Header.Set("X-Shopify-Triggered-At", "2026-12-04T10:00:00.000000Z")
	r.Header.Set("X-Shopify-Shop-Domain", "acme.myshopify.com")
	r.Header.Set("X-Shopify-API-Version", "2025-10")
	return r
}

const shopifyOrder = `{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","name":"#9999","total_price":"403.00","currency":"USD"}`

// signedStandard signs with the Standard Webhooks library's own Sign, with
// one or more secrets (space-separated signatures, as a rotating sender does).
func signedStandard(target, msgID string, body []byte, at time.Time, secrets ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	var sigs []byte
	for _, s := range secrets {
		wh, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			panic(err)
		}
		sig, _ := wh.Sign(msgID, at, body)
		if len(sigs) > 0 {
			sigs = append(sigs, ' ')
		}
		sigs = append(sigs, sig...)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("webhook-id", msgID)
	r.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	r.Header.Set("webhook-signature", string(sigs))
	return r
}

const invoicePaid = `{"type":"invoice.paid","timestamp":"2026-12-04T10:00:00Z","data":{"id":"inv_42","amount":1200}}`
