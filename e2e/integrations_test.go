package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchyard/switchyard/internal/fakes"
)

// stripeEventBody is a Stripe event of any type about one object.
func stripeEventBody(eventID, typ, objectID, object string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"api_version":"2020-08-27","created":%d,`+
		`"livemode":false,"data":{"object":{"id":%q,"object":%q}}}`, eventID, typ, time.Now().Unix(), objectID, object))
}

// putPayment stores a succeeded PaymentIntent, its customer and its charge in
// the Stripe fake; refunded says whether Stripe reports the charge refunded.
func putPayment(suffix, email string, refunded bool) (pi, ch string) {
	pi, ch, cus := "pi_"+suffix, "ch_"+suffix, "cus_"+suffix
	stack.stripe.Put(map[string]any{"id": cus, "object": "customer", "email": email, "name": "Ada Lovelace"})
	stack.stripe.Put(map[string]any{"id": ch, "object": "charge", "amount": 2500, "currency": "eur", "status": "succeeded",
		"refunded": refunded, "amount_refunded": map[bool]int{true: 2500}[refunded], "payment_intent": pi, "customer": cus})
	stack.stripe.Put(map[string]any{"id": pi, "object": "payment_intent", "status": "succeeded", "amount": 2500,
		"amount_received": 2500, "currency": "eur", "customer": cus, "latest_charge": ch})
	return pi, ch
}

func slackMessagesMentioning(s string) int {
	n := 0
	for _, m := range stack.slack.Messages("#payments") {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

func TestPaymentReachesCRMAndSlackExactlyOnce(t *testing.T) {
	suffix := fmt.Sprintf("once%d", time.Now().UnixNano())
	email := suffix + "@example.com"
	pi, _ := putPayment(suffix, email, false)
	stack.hubspot.FailNext(2) // the CRM's first two calls answer 500
	body := stripeEventBody("evt_"+suffix, "payment_intent.succeeded", pi, "payment_intent")

	first := postStripe(t, stack.ingress.URL, body)
	require.Equal(t, http.StatusOK, first.Status, first.Error)
	second := postStripe(t, stack.ingress.URL, body)
	require.Equal(t, http.StatusOK, second.Status, second.Error)
	assert.True(t, second.Duplicate)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, first.WorkflowID))

	assert.Len(t, stack.hubspot.Where("contacts", "email", email), 1, "one contact despite two failed calls and a redelivery")
	deals := stack.hubspot.Where("deals", "switchyard_external_id", pi)
	require.Len(t, deals, 1, "one deal")
	assert.Equal(t, "closedwon", deals[0].Properties["dealstage"])
	assert.Equal(t, "25.00", deals[0].Properties["amount"])
	assert.Equal(t, 1, slackMessagesMentioning(pi), "one Slack message")
}

func TestRefundBeforePaymentEndsRefunded(t *testing.T) {
	suffix := fmt.Sprintf("ooo%d", time.Now().UnixNano())
	// Stripe already reports the payment refunded when either event is processed.
	pi, ch := putPayment(suffix, suffix+"@example.com", true)
	refund := postStripe(t, stack.ingress.URL, stripeEventBody("evt_r_"+suffix, "charge.refunded", ch, "charge"))
	require.Equal(t, http.StatusOK, refund.Status, refund.Error)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, refund.WorkflowID))
	pay := postStripe(t, stack.ingress.URL, stripeEventBody("evt_p_"+suffix, "payment_intent.succeeded", pi, "payment_intent"))
	require.Equal(t, http.StatusOK, pay.Status, pay.Error)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, pay.WorkflowID))

	var stages []string
	for _, d := range stack.hubspot.Where("deals", "switchyard_external_id", pi) {
		stages = append(stages, d.Properties["dealstage"])
	}
	assert.Equal(t, []string{"closedlost"}, stages, "one deal, in the refunded stage Stripe reports, not closed-won")
}

func TestRetryAfterDelaysNextAttempt(t *testing.T) {
	suffix := fmt.Sprintf("ra%d", time.Now().UnixNano())
	stack.stripe.Put(map[string]any{"id": "cus_" + suffix, "object": "customer", "email": suffix + "@example.com"})
	before := len(stack.hubspot.Arrivals())
	stack.hubspot.RateLimitNext(1, 2*time.Second)
	a := postStripe(t, stack.ingress.URL, stripeEventBody("evt_"+suffix, "customer.updated", "cus_"+suffix, "customer"))
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID))

	arrivals := stack.hubspot.Arrivals()[before:]
	require.Len(t, arrivals, 2, "one 429, then the attempt that succeeded")
	gap := arrivals[1].Sub(arrivals[0])
	// Without Retry-After the retry policy would wait 1 s; generous bounds.
	assert.GreaterOrEqual(t, gap, 1500*time.Millisecond, "the next attempt waited for Retry-After: 2")
	assert.Less(t, gap, 30*time.Second)
}

// TestCustomerFanOutStaysUnderEveryProviderRate sends 200 customer changes,
// each fanned out to the CRM and to every customer channel (600 posts): the
// CRM never sees more than its queue's rate plus the server's burst in any
// one second, nor does Slack's chat.postMessage, and every channel gets
// exactly one message per customer.
func TestCustomerFanOutStaysUnderEveryProviderRate(t *testing.T) {
	const events = 200
	// The server lets a queue burst about one second's worth above its rate.
	const crmBound, slackBound = 2*crmRate + 4, 2*slackRate + 4
	run := fmt.Sprintf("fan%d", time.Now().UnixNano())
	customer := func(i int) string { return fmt.Sprintf("cus_%s_%d", run, i) }
	for i := range events {
		stack.stripe.Put(map[string]any{"id": customer(i), "object": "customer",
			"email": fmt.Sprintf("%s-%d@example.com", run, i), "name": "Fan Out"})
	}
	// Each fake answers 429 beyond its bound, like the real providers.
	stack.hubspot.LimitRate(crmBound)
	defer stack.hubspot.LimitRate(0)
	stack.slack.LimitRate(slackBound)
	defer stack.slack.LimitRate(0)
	crmBefore, crmThrottled := len(stack.hubspot.Arrivals()), stack.hubspot.Throttled("")
	postsBefore, postsThrottled := len(stack.slack.ArrivalsOf(fakes.SlackPostBucket)), stack.slack.Throttled(fakes.SlackPostBucket)
	historyBefore, historyThrottled := len(stack.slack.ArrivalsOf(fakes.SlackHistoryBucket)), stack.slack.Throttled(fakes.SlackHistoryBucket)

	ids := make([]string, events)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range events {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a := postStripe(t, stack.ingress.URL, stripeEventBody(fmt.Sprintf("evt_%s_%d", run, i), "customer.updated",
				customer(i), "customer"))
			assert.Equal(t, http.StatusOK, a.Status, a.Error)
			ids[i] = a.WorkflowID
		}()
	}
	wg.Wait()
	// perChannel counts, per channel, the messages about each of this run's customers.
	perChannel := func() map[string]map[string]int {
		out := map[string]map[string]int{}
		for _, ch := range customerChannels {
			out[ch] = map[string]int{}
			for _, m := range stack.slack.Messages(ch) {
				if id, ok := customerIn(m.Text, "cus_"+run+"_"); ok {
					out[ch][id]++
				}
			}
		}
		return out
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		n := 0
		for _, o := range stack.hubspot.Objects("contacts") {
			if strings.HasPrefix(o.Properties["email"], run+"-") {
				n++
			}
		}
		assert.Equal(c, events, n, "contacts")
		for ch, got := range perChannel() {
			assert.Len(c, got, events, ch)
		}
	}, 3*time.Minute, 250*time.Millisecond, "every customer reached the CRM and every channel")
	for _, id := range ids {
		assert.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, id), id)
	}
	for ch, got := range perChannel() {
		for i := range events {
			assert.Equal(t, 1, got[customer(i)], "%s: one message about %s", ch, customer(i))
		}
	}

	crmPeak := logPeak(t, "CRM requests", stack.hubspot.Arrivals()[crmBefore:], crmRate)
	postPeak := logPeak(t, "Slack chat.postMessage", stack.slack.ArrivalsOf(fakes.SlackPostBucket)[postsBefore:], slackRate)
	logPeak(t, "Slack conversations.history", stack.slack.ArrivalsOf(fakes.SlackHistoryBucket)[historyBefore:], slackRate)
	assert.LessOrEqual(t, crmPeak, crmBound, "the CRM never saw more than its rate plus the server's burst")
	assert.LessOrEqual(t, postPeak, slackBound, "Slack never saw more posts than its rate plus the server's burst")
	// The queues keep each provider under its limit, so neither answers 429.
	assert.Zero(t, stack.hubspot.Throttled("")-crmThrottled, "429s from the CRM")
	assert.Zero(t, stack.slack.Throttled(fakes.SlackPostBucket)-postsThrottled, "429s from chat.postMessage")
	// A post reads history first, two pages once a channel holds over 100
	// messages a day, so history can see twice the queue's rate and be told
	// to wait; the exactly-once check above shows those attempts were retried.
	t.Logf("429s from conversations.history: %d", stack.slack.Throttled(fakes.SlackHistoryBucket)-historyThrottled)
}

// customerIn finds the customer ID starting with prefix in a customer-change
// message (":bust_in_silhouette: Stripe customer cus_… …").
func customerIn(text, prefix string) (string, bool) {
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, prefix) {
			return f, true
		}
	}
	return "", false
}

// logPeak logs a provider's arrivals (count, span, peak in one second, per
// second histogram) and returns the peak.
func logPeak(t *testing.T, what string, arrivals []time.Time, rate int) int {
	t.Helper()
	if len(arrivals) == 0 {
		t.Logf("%s: none", what)
		return 0
	}
	peak := fakes.MaxInWindow(arrivals, time.Second)
	hist := map[int]int{}
	for _, a := range arrivals {
		hist[int(a.Sub(arrivals[0]).Seconds())]++
	}
	t.Logf("%s: %d in %s, peak %d in one second (queue rate %d/s); per second: %v", what, len(arrivals),
		arrivals[len(arrivals)-1].Sub(arrivals[0]).Round(time.Millisecond), peak, rate, hist)
	return peak
}
