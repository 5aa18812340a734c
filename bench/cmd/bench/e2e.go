package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/internal/fakes"
	"github.com/switchyard/switchyard/internal/testenv"
)

const (
	hubspotToken = "pat-na1-bench-token"
	slackToken   = "xoxb-bench-token"
	slackChannel = "#payments" // fakes.NewSlack creates it
	// e2eProviderRate is the worker's activity rate per integration in this
	// phase, above what 20 events/s ask (2 CRM calls and 1 Slack post each),
	// so the figure is the path's latency, not a provider's rate limit queue.
	e2eProviderRate = "200"
)

// e2eFigures: webhook received → workflow completed, and the worker's memory.
type e2eFigures struct {
	rate, p50, p99         float64
	events                 int // sent during the timed runs
	deals, contacts, posts int // what the CRM and Slack fakes recorded for them
	workerRSS, ingressRSS  float64
	burstAccepted, burstPS float64
}

// downstream is the providers the worker calls, in this process: a Stripe
// fake holding succeeded PaymentIntents (anything else goes to stripe-mock,
// whose PaymentIntents never succeed and would end the workflow before the
// CRM and Slack), and HubSpot and Slack fakes.
type downstream struct {
	stripe  *fakes.Stripe
	hubspot *fakes.HubSpot
	slack   *fakes.Slack
}

func startDownstream() (*downstream, func(), error) {
	mockURL, stopMock, err := testenv.StripeMock()
	if err != nil {
		return nil, nil, err
	}
	d := &downstream{hubspot: fakes.NewHubSpot(hubspotToken), slack: fakes.NewSlack(slackToken)}
	stop := func() { d.hubspot.Close(); d.slack.Close(); stopMock() }
	if d.stripe, err = fakes.NewStripe(mockURL); err != nil {
		stop()
		return nil, nil, err
	}
	return d, func() { d.stripe.Close(); stop() }, nil
}

// env points the worker at the fakes.
func (d *downstream) env() []string {
	return []string{
		"STRIPE_API_KEY=sk_test_bench", "STRIPE_API_BASE=" + d.stripe.URL,
		"HUBSPOT_TOKEN=" + hubspotToken, "HUBSPOT_API_URL=" + d.hubspot.URL,
		"SLACK_BOT_TOKEN=" + slackToken, "SLACK_API_URL=" + d.slack.APIURL(), "SLACK_CHANNEL=" + slackChannel,
		"SWITCHYARD_RATE_STRIPE=" + e2eProviderRate, "SWITCHYARD_RATE_CRM=" + e2eProviderRate,
		"SWITCHYARD_RATE_SLACK=" + e2eProviderRate,
		// The default :9090 may be taken on a shared machine, and the worker
		// exits when it cannot listen.
		"SWITCHYARD_WORKER_METRICS_ADDR=off",
	}
}

// putPayments stores a succeeded PaymentIntent, with its own customer, for
// each event loadgen will send with this prefix (its event i names the
// PaymentIntent "pi_<prefix>_<i>").
func (d *downstream) putPayments(prefix string, n int) {
	for i := range n {
		id := prefix + "_" + strconv.Itoa(i)
		d.stripe.Put(map[string]any{"id": "cus_" + id, "object": "customer", "email": id + "@example.com", "name": "Ada Lovelace"})
		d.stripe.Put(map[string]any{"id": "pi_" + id, "object": "payment_intent", "status": "succeeded", "amount": 1099,
			"amount_received": 1099, "currency": "usd", "customer": "cus_" + id})
	}
}

// legs counts what the CRM and Slack fakes recorded for events whose
// prefix starts with prefix.
func (d *downstream) legs(prefix string) (deals, contacts, posts int) {
	for _, o := range d.hubspot.Objects("deals") {
		deals += b2i(strings.HasPrefix(o.Properties["switchyard_external_id"], "pi_"+prefix))
	}
	for _, o := range d.hubspot.Objects("contacts") {
		contacts += b2i(strings.HasPrefix(o.Properties["email"], prefix))
	}
	for _, m := range d.slack.Messages(slackChannel) {
		posts += b2i(strings.Contains(m.Text, "pi_"+prefix))
	}
	return deals, contacts, posts
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func e2ePhase(ctx context.Context, o options, logDir string) (e2eFigures, error) {
	var f e2eFigures
	srv, err := startTemporal(ctx, o.temporal, "", logDir)
	if err != nil {
		return f, err
	}
	defer srv.Stop()
	down, stopDown, err := startDownstream()
	if err != nil {
		return f, err
	}
	defer stopDown()
	port, err := devserver.FreePort()
	if err != nil {
		return f, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	url := "http://" + addr
	env := switchyardEnv(srv.Address, addr, down.env()...)
	ing, err := startProc("ingress-e2e", o.bin, env, logDir, "ingress")
	if err != nil {
		return f, err
	}
	defer ing.stop()
	wrk, err := startProc("worker", o.bin, env, logDir, "worker")
	if err != nil {
		return f, err
	}
	defer wrk.stop()
	if err := waitReady(url); err != nil {
		return f, err
	}
	f.rate = 20
	prefix := fmt.Sprintf("e2e%d", time.Now().UnixNano())
	perRun := int(f.rate * o.dur.Seconds()) // loadgen's open loop sends exactly this many
	var p50s, p99s []float64
	for n := range o.runs {
		runPrefix := prefix + "r" + strconv.Itoa(n)
		down.putPayments(runPrefix, perRun)
		r, err := loadgen(o.loadgen, "-mode", "ingress", "-url", url, "-secret", secret, "-temporal", srv.Address,
			"-rate", strconv.FormatFloat(f.rate, 'f', 0, 64), "-d", o.dur.String(), "-wait", "-prefix", runPrefix)
		if err != nil {
			return f, err
		}
		p50s, p99s = append(p50s, r.E2EP50ms), append(p99s, r.E2EP99ms)
		f.events += perRun
	}
	f.p50, f.p99 = median(p50s), median(p99s)
	f.deals, f.contacts, f.posts = down.legs(prefix)
	// Saturate the worker: a burst of starts, then its own drain of the
	// backlog. These events' PaymentIntents come from stripe-mock (not
	// succeeded), so the drain is Stripe fetches only.
	b, err := loadgen(o.loadgen, "-mode", "ingress", "-url", url, "-secret", secret, "-c", "32", "-d", (2 * o.dur).String())
	if err != nil {
		return f, err
	}
	f.burstAccepted, f.burstPS = float64(b.OK), b.PerSec
	time.Sleep(2 * o.dur)
	f.workerRSS, f.ingressRSS = wrk.peakRSS(), ing.peakRSS()
	fmt.Fprintf(os.Stderr, "  e2e p50 %.0fms p99 %.0fms; %d events: %d deals, %d contacts, %d Slack posts; worker peak RSS %.0f MiB\n",
		f.p50, f.p99, f.events, f.deals, f.contacts, f.posts, f.workerRSS)
	return f, nil
}
