// Package e2e runs Switchyard end to end: a real Temporal dev server, the real
// worker and the real ingress router, stripe-mock for Stripe and behaving
// httptest fakes for the other providers.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/internal/fakes"
	"github.com/switchyard/switchyard/internal/testenv"
	"github.com/switchyard/switchyard/reconcile"
	"github.com/switchyard/switchyard/worker"
)

const (
	stripeSecret = "whsec_e2e_secret"
	githubSecret = "e2e-github-secret"
	githubToken  = "ghp_e2etoken"
	// The sources added after the foundation, enabled by their variables.
	hubspotSecret = "e2e-hubspot-client-secret"
	slackSecret   = "e2e-slack-signing-secret"
	shopifySecret = "e2e-shopify-client-secret"
	hubspotToken  = "pat-na1-e2e-token"
	slackToken    = "xoxb-e2e-token"
	// crmRate is the CRM task queue's rate (activities per second) in e2e,
	// which the fan-out test checks the fake HubSpot never sees exceeded.
	crmRate = 8
	// slackRate is the Slack task queue's rate, which the customer fan-out
	// test checks the fake Slack's chat.postMessage never sees exceeded.
	slackRate = 20
)

// customerChannels are told about every customer change (by name or ID).
var customerChannels = []string{"#customers", "#sales", "C0SUCCESS"}

// stack is what every test in this package talks to.
var stack struct {
	client  client.Client
	ingress *httptest.Server
	github  *fakes.GitHub
	hubspot *fakes.HubSpot
	slack   *fakes.Slack
	stripe  *fakes.Stripe
	cfg     config.Config
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := testenv.StartTemporal(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start temporal:", err)
		return 1
	}
	defer srv.Stop()
	stripeURL, stopStripe, err := testenv.StripeMock()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start stripe-mock:", err)
		return 1
	}
	defer stopStripe()
	stack.github = fakes.NewGitHub(githubToken)
	defer stack.github.Close()
	stack.hubspot = fakes.NewHubSpot(hubspotToken)
	defer stack.hubspot.Close()
	stack.slack = fakes.NewSlack(slackToken)
	defer stack.slack.Close()
	stack.slack.AddChannel("customers", "C0CUSTOMERS")
	stack.slack.AddChannel("sales", "C0SALES")
	stack.slack.AddChannel("success", "C0SUCCESS")
	// Objects a test puts here are served with the state it sets; anything
	// else goes on to stripe-mock (see fakes.Stripe for why).
	if stack.stripe, err = fakes.NewStripe(stripeURL); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stripe fake:", err)
		return 1
	}
	defer stack.stripe.Close()

	cfg := config.Default()
	cfg.StripeWebhookSecrets = []string{stripeSecret}
	cfg.GitHubWebhookSecrets = []string{githubSecret}
	cfg.StripeAPIKey, cfg.StripeAPIBase = "sk_test_123", stack.stripe.URL
	cfg.GitHubToken, cfg.GitHubAPIURL = githubToken, stack.github.URL
	cfg.HubSpotToken, cfg.HubSpotAPIURL = hubspotToken, stack.hubspot.URL
	cfg.SlackBotToken, cfg.SlackAPIURL, cfg.SlackChannel = slackToken, stack.slack.APIURL(), "#payments"
	cfg.SlackCustomerChannels = customerChannels
	cfg.Rates = map[string]float64{"stripe": 100, "github": 50, "crm": crmRate, "slack": slackRate}
	cfg.StartTimeout = 10 * time.Second
	cfg.HubSpotClientSecrets = []string{hubspotSecret}
	cfg.SlackSigningSecrets = []string{slackSecret}
	cfg.ShopifyClientSecrets = []string{shopifySecret}
	stack.cfg = cfg
	stack.client = srv.Client()

	acts, err := worker.NewActivities(cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: activities:", err)
		return 1
	}
	w := worker.New(stack.client, acts)
	reconcile.Register(w, &reconcile.Activities{Routes: reconcileRoutes()})
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: worker:", err)
		return 1
	}
	defer w.Stop()

	h, err := ingress.FromConfig(cfg, ingress.TemporalStarter{Client: stack.client}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: ingress:", err)
		return 1
	}
	stack.ingress = httptest.NewServer(h)
	defer stack.ingress.Close()
	return m.Run()
}
