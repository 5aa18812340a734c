package ops

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"
)

// sample builds one event's body from fresh IDs, so every trigger is a new event.
type sample func(ids idGen, now time.Time) map[string]any

// idGen returns a fresh ID with a Stripe-style prefix, e.g. "pi_3f9c…".
type idGen func(prefix string) string

// stripeSamples are realistic Stripe events, shaped like `stripe trigger`'s
// fixtures (API version 2023-10-16).
var stripeSamples = map[string]sample{
	"payment_intent.succeeded": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("pi_"), "object": "payment_intent", "amount": 2000, "amount_received": 2000,
			"currency": "usd", "status": "succeeded", "customer": id("cus_"), "latest_charge": id("ch_"),
			"payment_method_types": []string{"card"}, "created": now.Unix(), "livemode": false, "metadata": map[string]string{}}
	},
	"charge.refunded": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("ch_"), "object": "charge", "amount": 2000, "amount_refunded": 2000,
			"currency": "usd", "refunded": true, "status": "succeeded", "paid": true, "payment_intent": id("pi_"),
			"created": now.Unix(), "livemode": false}
	},
	"checkout.session.completed": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("cs_test_"), "object": "checkout.session", "mode": "payment",
			"amount_total": 3000, "currency": "usd", "payment_status": "paid", "status": "complete",
			"payment_intent": id("pi_"), "customer": id("cus_"), "created": now.Unix(), "livemode": false}
	},
	"customer.updated": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("cus_"), "object": "customer", "email": "jenny.rosen@example.com",
			"name": "Jenny Rosen", "created": now.Unix(), "livemode": false, "metadata": map[string]string{}}
	},
	"invoice.paid": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("in_"), "object": "invoice", "amount_due": 1500, "amount_paid": 1500,
			"currency": "usd", "status": "paid", "paid": true, "customer": id("cus_"), "subscription": id("sub_"),
			"created": now.Unix(), "livemode": false}
	},
}

// githubSamples are realistic GitHub deliveries, keyed "<event>.<action>".
var githubSamples = map[string]sample{
	"issues.opened": func(id idGen, now time.Time) map[string]any {
		n := 1 + now.Unix()%1000
		return map[string]any{"action": "opened",
			"issue": map[string]any{"number": n, "title": "Switchyard sample issue", "state": "open",
				"body": "Sent by `switchyard trigger`.", "user": map[string]any{"login": "octocat"},
				"html_url": fmt.Sprintf("https://github.com/octo-org/hello-world/issues/%d", n)},
			"repository": githubRepo(), "sender": map[string]any{"login": "octocat", "type": "User"}}
	},
	"pull_request.opened": func(id idGen, now time.Time) map[string]any {
		n := 1 + now.Unix()%1000
		return map[string]any{"action": "opened", "number": n,
			"pull_request": map[string]any{"number": n, "title": "Switchyard sample pull request", "state": "open",
				"head": map[string]any{"ref": "feature", "sha": fmt.Sprintf("%040x", now.UnixNano())},
				"base": map[string]any{"ref": "main", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"},
				"user": map[string]any{"login": "octocat"}},
			"repository": githubRepo(), "sender": map[string]any{"login": "octocat", "type": "User"}}
	},
}

// hubspotSamples are HubSpot webhook events (one element of a batch; the
// sender adds eventId and subscriptionType), keyed by subscription type.
var hubspotSamples = map[string]sample{
	"contact.creation": func(_ idGen, now time.Time) map[string]any {
		return hubspotEvent(now, map[string]any{"changeSource": "CRM_UI"})
	},
	"contact.propertyChange": func(_ idGen, now time.Time) map[string]any {
		return hubspotEvent(now, map[string]any{"propertyName": "email",
			"propertyValue": "jenny.rosen@example.com", "changeSource": "CRM_UI", "sourceId": "userId:1234567"})
	},
	"deal.creation": func(_ idGen, now time.Time) map[string]any {
		return hubspotEvent(now, map[string]any{"changeSource": "CRM_UI"})
	},
}

func hubspotEvent(now time.Time, fields map[string]any) map[string]any {
	ev := map[string]any{"objectId": newNumber(), "portalId": 62515, "appId": 1160452, "subscriptionId": 2917436,
		"occurredAt": now.UnixMilli(), "attemptNumber": 0}
	maps.Copy(ev, fields)
	return ev
}

// slackSamples are the inner events of Slack Events API callbacks (the
// sender adds the type), keyed by event type.
var slackSamples = map[string]sample{
	"app_mention": func(_ idGen, now time.Time) map[string]any {
		ts := slackTS(now)
		return map[string]any{"user": "U061F7AUR", "text": "<@U0LAN0Z89> sent by switchyard trigger",
			"ts": ts, "event_ts": ts, "channel": "C0LAN2Q65"}
	},
	"message": func(_ idGen, now time.Time) map[string]any {
		ts := slackTS(now)
		return map[string]any{"user": "U061F7AUR", "text": "Sent by switchyard trigger", "ts": ts,
			"event_ts": ts, "channel": "C0LAN2Q65", "channel_type": "channel"}
	},
}

func slackTS(now time.Time) string { return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000) }

// shopifySamples are Shopify webhook bodies, keyed by topic.
var shopifySamples = map[string]sample{
	"orders/create": func(_ idGen, now time.Time) map[string]any {
		id := newNumber()
		return map[string]any{"id": id, "admin_graphql_api_id": fmt.Sprintf("gid://shopify/Order/%d", id),
			"name": fmt.Sprintf("#%d", 1001+id%9000), "email": "jenny.rosen@example.com", "currency": "USD",
			"total_price": "20.00", "financial_status": "paid", "created_at": now.UTC().Format(time.RFC3339),
			"line_items": []map[string]any{{"title": "Switchyard sample", "quantity": 1, "price": "20.00"}}}
	},
	"customers/create": func(_ idGen, now time.Time) map[string]any {
		id := newNumber()
		return map[string]any{"id": id, "admin_graphql_api_id": fmt.Sprintf("gid://shopify/Customer/%d", id),
			"email": "jenny.rosen@example.com", "first_name": "Jenny", "last_name": "Rosen",
			"created_at": now.UTC().Format(time.RFC3339)}
	},
}

// standardScheme is the scheme whose sources are named by configuration.
const standardScheme = "standard-webhooks"

// standardSamples are the data of Standard Webhooks payloads ({type,
// timestamp, data}), keyed by type.
var standardSamples = map[string]sample{
	"invoice.paid": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("inv_"), "customer": id("cus_"), "amount": 1200, "currency": "usd",
			"paid_at": now.UTC().Format(time.RFC3339)}
	},
	"customer.created": func(id idGen, now time.Time) map[string]any {
		return map[string]any{"id": id("cus_"), "email": "jenny.rosen@example.com", "name": "Jenny Rosen",
			"created_at": now.UTC().Format(time.RFC3339)}
	},
}

func githubRepo() map[string]any {
	return map[string]any{"id": 1296269, "name": "hello-world", "full_name": "octo-org/hello-world",
		"private": false, "owner": map[string]any{"login": "octo-org", "type": "Organization"}}
}

// SampleTypes lists the event types `switchyard trigger` can send, by
// source; "standard-webhooks" stands for any source of that scheme.
func SampleTypes() map[string][]string {
	out := map[string][]string{}
	for src, m := range map[string]map[string]sample{"stripe": stripeSamples, "github": githubSamples,
		"hubspot": hubspotSamples, "slack": slackSamples, "shopify": shopifySamples, standardScheme: standardSamples} {
		for t := range m {
			out[src] = append(out[src], t)
		}
		sort.Strings(out[src])
	}
	return out
}

// stripeEvent wraps an object in a Stripe event envelope.
func stripeEvent(id idGen, typ string, object map[string]any, now time.Time) ([]byte, string, error) {
	eventID := id("evt_")
	body, err := json.Marshal(map[string]any{
		"id": eventID, "object": "event", "type": typ, "api_version": "2023-10-16",
		"created": now.Unix(), "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": id("req_"), "idempotency_key": nil},
		"data":    map[string]any{"object": object},
	})
	return body, eventID, err
}
