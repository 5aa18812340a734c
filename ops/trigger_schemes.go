package ops

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/switchyard/switchyard/ingress"
)

// Each request below is signed with the sender's real scheme, so the ingress
// verifies it exactly as it verifies the provider's own deliveries.

// hubspotRequest sends a batch of one event, signed with X-HubSpot-Signature-v3
// over method, the URL called, the body and a millisecond timestamp.
func hubspotRequest(ctx context.Context, opts TriggerOptions, eventType string, now time.Time) (*http.Request, string, error) {
	mk, ok := hubspotSamples[eventType]
	if !ok {
		return nil, "", unknownType("hubspot", eventType)
	}
	if opts.HubSpotSecret == "" {
		return nil, "", errors.New("trigger: no HubSpot client secret (HUBSPOT_CLIENT_SECRET)")
	}
	eventID := strconv.FormatInt(newNumber(), 10)
	ev := mk(newID, now)
	ev["eventId"] = json.Number(eventID)
	ev["subscriptionType"] = eventType
	body, err := json.Marshal([]any{ev})
	if err != nil {
		return nil, "", err
	}
	req, err := newPost(ctx, opts.URL, "hubspot", body)
	if err != nil {
		return nil, "", err
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := ingress.HubSpotMAC([]byte(opts.HubSpotSecret), req.Method, req.URL.String(), body, ts)
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	req.Header.Set("X-HubSpot-Signature-v3", base64.StdEncoding.EncodeToString(mac))
	req.Header.Set("X-HubSpot-Signature-Version", "v3")
	req.Header.Set("User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/) switchyard-trigger")
	return req, eventID, nil
}

// slackRequest sends an Events API event_callback, signed as Slack does:
// X-Slack-Signature is v0= hex HMAC-SHA256 of "v0:<seconds>:<body>". The
// ingress verifies with slack-go, which exports no signer, so it is written
// here.
func slackRequest(ctx context.Context, opts TriggerOptions, eventType string, now time.Time) (*http.Request, string, error) {
	mk, ok := slackSamples[eventType]
	if !ok {
		return nil, "", unknownType("slack", eventType)
	}
	if opts.SlackSecret == "" {
		return nil, "", errors.New("trigger: no Slack signing secret (SLACK_SIGNING_SECRET)")
	}
	event := mk(newID, now)
	event["type"] = eventType
	eventID := "Ev" + slackID()
	body, err := json.Marshal(map[string]any{
		// Slack still sends the legacy verification token; the ingress drops it.
		"token": "XXYYZZ", "team_id": "T061EG9R6", "api_app_id": "A0PNCHHK2", "event": event,
		"type": "event_callback", "event_id": eventID, "event_time": now.Unix(),
	})
	if err != nil {
		return nil, "", err
	}
	req, err := newPost(ctx, opts.URL, "slack", body)
	if err != nil {
		return nil, "", err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(opts.SlackSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots) switchyard-trigger")
	return req, eventID, nil
}

// shopifyRequest sends a topic's object, signed with X-Shopify-Hmac-Sha256
// (base64 HMAC-SHA256 of the body), with the delivery headers Shopify sends.
func shopifyRequest(ctx context.Context, opts TriggerOptions, topic string, now time.Time) (*http.Request, string, error) {
	mk, ok := shopifySamples[topic]
	if !ok {
		return nil, "", unknownType("shopify", topic)
	}
	if opts.ShopifySecret == "" {
		return nil, "", errors.New("trigger: no Shopify client secret (SHOPIFY_CLIENT_SECRET)")
	}
	body, err := json.Marshal(mk(newID, now))
	if err != nil {
		return nil, "", err
	}
	req, err := newPost(ctx, opts.URL, "shopify", body)
	if err != nil {
		return nil, "", err
	}
	eventID := uuid()
	req.Header.Set("X-Shopify-Topic", topic)
	req.Header.Set("X-Shopify-Event-Id", eventID)
	req.Header.Set("X-Shopify-Webhook-Id", uuid())
	req.Header.Set("X-Shopify-Triggered-At", now.UTC().Format(time.RFC3339Nano))
	req.Header.Set("X-Shopify-Shop-Domain", "switchyard-dev.myshopify.com")
	req.Header.Set("X-Shopify-API-Version", "2025-10")
	req.Header.Set("X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(ingress.ShopifyMAC([]byte(opts.ShopifySecret), body)))
	req.Header.Set("User-Agent", "Shopify-Captain-Hook switchyard-trigger")
	return req, eventID, nil
}

// standardRequest sends {type, timestamp, data} to the Standard Webhooks
// source name, signed with the specification's own library.
func standardRequest(ctx context.Context, base, name, secret, eventType string, now time.Time) (*http.Request, string, error) {
	mk, ok := standardSamples[eventType]
	if !ok {
		return nil, "", unknownType(standardScheme, eventType)
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil { // the library's error does not echo the secret
		return nil, "", fmt.Errorf("trigger: the secret of %s is not a whsec_ base64 secret", name)
	}
	body, err := json.Marshal(map[string]any{
		"type": eventType, "timestamp": now.UTC().Format(time.RFC3339), "data": mk(newID, now),
	})
	if err != nil {
		return nil, "", err
	}
	msgID := newID("msg_")
	sig, err := wh.Sign(msgID, now, body)
	if err != nil {
		return nil, "", fmt.Errorf("trigger: sign: %w", err)
	}
	req, err := newPost(ctx, base, name, body)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set(standardwebhooks.HeaderWebhookID, msgID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	return req, msgID, nil
}
