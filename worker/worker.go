// Package worker wires Switchyard's workflows and activities to Temporal workers.
package worker

import (
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/workflows"
)

// Activities are the integrations the worker runs, each holding its client.
type Activities struct {
	Stripe *activities.Stripe
	GitHub *activities.GitHub
	CRM    *activities.CRM
	Slack  *activities.Slack

	// rates are activities per second per integration task queue.
	rates map[string]float64
	// customerChannels are the Slack channels StripeCustomerSync posts to.
	customerChannels []string
}

// NewActivities builds every integration's client once from cfg. An
// integration without credentials is built disabled and said so in the log:
// the worker still starts, and a workflow that needs it fails with an error
// that names the missing variable.
func NewActivities(cfg config.Config, log *slog.Logger) (Activities, error) {
	gh, err := activities.NewGitHub(activities.GitHubConfig{Token: cfg.GitHubToken, APIURL: cfg.GitHubAPIURL})
	if err != nil {
		return Activities{}, fmt.Errorf("github integration: %w", err)
	}
	crm, err := SelectCRM(cfg)
	if err != nil {
		return Activities{}, err
	}
	a := Activities{
		Stripe: activities.NewStripe(activities.StripeConfig{APIKey: cfg.StripeAPIKey, APIBase: cfg.StripeAPIBase}),
		GitHub: gh,
		CRM:    activities.NewCRM(crm.Backend, crm.Missing),
		Slack: activities.NewSlack(activities.SlackConfig{
			BotToken: cfg.SlackBotToken, WebhookURL: cfg.SlackWebhookURL,
			DefaultChannel: cfg.SlackChannel, APIURL: cfg.SlackAPIURL,
		}),
		rates:            cfg.Rates,
		customerChannels: cfg.SlackCustomerChannels,
	}
	if cfg.SlackBotToken == "" && cfg.SlackWebhookURL != "" && len(a.customerChannels) > 1 {
		// A webhook posts to its own channel whatever the input names:
		// several channels would be several copies there.
		log.Warn("SWITCHYARD_SLACK_CUSTOMER_CHANNELS lists several channels, but an incoming webhook posts only to its own: "+
			"customer changes are posted once, there", "channels", len(a.customerChannels))
		a.customerChannels = a.customerChannels[:1]
	}
	// Every exported method of an activity struct is registered as an
	// activity, so whether an integration is enabled is read from cfg here.
	for _, c := range []struct{ name, variable, value string }{
		{"stripe", "STRIPE_API_KEY", cfg.StripeAPIKey},
		{"github", "GITHUB_TOKEN", cfg.GitHubToken},
		{"slack", "SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL", cfg.SlackBotToken + cfg.SlackWebhookURL},
	} {
		if c.value == "" {
			log.Warn("integration disabled: credentials not set", "integration", c.name, "variable", c.variable)
		}
	}
	if crm.Backend == nil {
		log.Warn("integration disabled: credentials not set", "integration", "crm", "variable", crm.Missing)
	} else {
		log.Info("crm backend chosen", "backend", crm.Name)
	}
	return a, nil
}

// deadlockDetectionTimeout replaces the SDK's 1 s: an event workflow's input
// can be a 25 MB GitHub payload, and the SDK decodes it inside the workflow
// task, where the deadlock detector counts it (20 MB took over 1 s with -race,
// ~0.3 s without). It stays below the 10 s workflow task timeout.
const deadlockDetectionTimeout = 5 * time.Second

// group is the event worker plus one rate-limited worker per integration.
// Registering on it registers on the event worker; Start and Stop act on all.
type group struct {
	sdkworker.Worker
	integrations []sdkworker.Worker
}

// New returns the worker set: workflows on the event task queue, and each
// integration's activities on its own task queue, whose
// TaskQueueActivitiesPerSecond is the integration's configured rate (the
// server enforces it across all workers of the queue). Start and Stop act on
// all of them. The caller runs it (Run or Start/Stop).
func New(c client.Client, acts Activities) sdkworker.Worker {
	g := &group{Worker: sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{DeadlockDetectionTimeout: deadlockDetectionTimeout})}
	registerWorkflows(g.Worker, acts)
	rates := acts.rates
	if rates == nil {
		rates = config.DefaultRates()
	}
	for name, act := range map[string]any{"stripe": acts.Stripe, "github": acts.GitHub, "crm": acts.CRM, "slack": acts.Slack} {
		w := sdkworker.New(c, workflows.IntegrationTaskQueues[name], sdkworker.Options{
			TaskQueueActivitiesPerSecond: rates[name],
			DisableWorkflowWorker:        true,
			// The server splits a queue's rate across its partitions (four by
			// default); with fewer pollers than partitions some sit idle and
			// the queue runs well below its rate.
			MaxConcurrentActivityTaskPollers: 4,
		})
		w.RegisterActivity(act)
		g.integrations = append(g.integrations, w)
	}
	return g
}

// Start starts the integration workers, then the event worker.
func (g *group) Start() error {
	for i, w := range g.integrations {
		if err := w.Start(); err != nil {
			for _, started := range g.integrations[:i] {
				started.Stop()
			}
			return err
		}
	}
	if err := g.Worker.Start(); err != nil {
		for _, w := range g.integrations {
			w.Stop()
		}
		return err
	}
	return nil
}

// Run starts everything and stops it when interruptCh delivers.
func (g *group) Run(interruptCh <-chan any) error {
	if err := g.Start(); err != nil {
		return err
	}
	<-interruptCh
	g.Stop()
	return nil
}

// Stop stops the event worker, then the integration workers, each waiting
// for its running tasks.
func (g *group) Stop() {
	g.Worker.Stop()
	for _, w := range g.integrations {
		w.Stop()
	}
}

// Register adds every workflow and activity to one registry (a test
// environment or a replayer). Adding a workflow is one line in
// registerWorkflows; adding an integration is one struct in activities/ and
// one line here and in New.
func Register(w sdkworker.Registry, acts Activities) {
	registerWorkflows(w, acts)
	w.RegisterActivity(acts.Stripe)
	w.RegisterActivity(acts.GitHub)
	w.RegisterActivity(acts.CRM)
	w.RegisterActivity(acts.Slack)
}

func registerWorkflows(w sdkworker.Registry, acts Activities) {
	w.RegisterWorkflowWithOptions(workflows.StripePayment, workflow.RegisterOptions{Name: workflows.StripePaymentWorkflow})
	w.RegisterWorkflowWithOptions(workflows.GitHubIssue, workflow.RegisterOptions{Name: workflows.GitHubIssueWorkflow})
	w.RegisterWorkflowWithOptions(workflows.StripeCheckout, workflow.RegisterOptions{Name: workflows.StripeCheckoutWorkflow})
	w.RegisterWorkflowWithOptions(workflows.StripeRefund, workflow.RegisterOptions{Name: workflows.StripeRefundWorkflow})
	w.RegisterWorkflowWithOptions(workflows.CustomerSync{SlackChannels: acts.customerChannels}.StripeCustomerSync,
		workflow.RegisterOptions{Name: workflows.StripeCustomerSyncWorkflow})
	w.RegisterWorkflowWithOptions(workflows.GitHubPullRequest, workflow.RegisterOptions{Name: workflows.GitHubPullRequestWorkflow})
	w.RegisterWorkflowWithOptions(workflows.GitHubPush, workflow.RegisterOptions{Name: workflows.GitHubPushWorkflow})
}
