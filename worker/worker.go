// Package worker wires Switchyard's workflows and activities to a Temporal worker.
package worker

import (
	"fmt"
	"log/slog"

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
	a := Activities{
		Stripe: activities.NewStripe(activities.StripeConfig{APIKey: cfg.StripeAPIKey, APIBase: cfg.StripeAPIBase}),
		GitHub: gh,
	}
	// Every exported method of an activity struct is registered as an
	// activity, so whether an integration is enabled is read from cfg here.
	for variable, value := range map[string]string{"STRIPE_API_KEY": cfg.StripeAPIKey, "GITHUB_TOKEN": cfg.GitHubToken} {
		if value == "" {
			log.Warn("integration disabled: credentials not set", "variable", variable)
		}
	}
	return a, nil
}

// New returns a worker on the event task queue with every workflow and
// activity registered. The caller runs it (Run or Start/Stop).
func New(c client.Client, acts Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	Register(w, acts)
	return w
}

// Register adds the workflows and activities to w. Adding a workflow is one
// line here; adding an integration is one struct in activities/ and one line.
func Register(w sdkworker.Registry, acts Activities) {
	w.RegisterWorkflowWithOptions(workflows.StripePayment, workflow.RegisterOptions{Name: workflows.StripePaymentWorkflow})
	w.RegisterWorkflowWithOptions(workflows.GitHubIssue, workflow.RegisterOptions{Name: workflows.GitHubIssueWorkflow})
	w.RegisterWorkflowWithOptions(workflows.GitHubPush, workflow.RegisterOptions{Name: workflows.GitHubPushWorkflow})
	w.RegisterActivity(acts.Stripe)
	w.RegisterActivity(acts.GitHub)
}
