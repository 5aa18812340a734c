package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// Each integration's activities run on their own task queue, whose workers
// set TaskQueueActivitiesPerSecond from SWITCHYARD_RATE_<NAME>. The server
// enforces that rate across every worker polling the queue, so however many
// workflows fan out at once, a provider sees at most its rate (plus the
// server's burst of about one second's worth).
const (
	StripeTaskQueue = "switchyard-stripe"
	GitHubTaskQueue = "switchyard-github"
	CRMTaskQueue    = "switchyard-crm"
	SlackTaskQueue  = "switchyard-slack"
)

// IntegrationTaskQueues maps an integration's name (as in
// SWITCHYARD_RATE_<NAME>, lower case) to its task queue.
var IntegrationTaskQueues = map[string]string{
	"stripe": StripeTaskQueue,
	"github": GitHubTaskQueue,
	"crm":    CRMTaskQueue,
	"slack":  SlackTaskQueue,
}

// Activity options per integration, in one place. Non-retryable errors
// (4xx other than 408/409/429, missing credentials) are classified by the
// activities themselves, so the policies here only shape backoff; a 429's
// Retry-After overrides the backoff for the next attempt.
//
// ScheduleToStartTimeout is left unset on purpose: under a rate limit an
// activity may wait in its queue for a long time, and that is the point.
var (
	stripeOptions = workflow.ActivityOptions{
		TaskQueue:              StripeTaskQueue,
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	}
	githubOptions = workflow.ActivityOptions{
		TaskQueue:              GitHubTaskQueue,
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	}
	crmOptions = workflow.ActivityOptions{
		TaskQueue:              CRMTaskQueue,
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	}
	// Slack posts are only worth sending while they are news.
	slackOptions = workflow.ActivityOptions{
		TaskQueue:              SlackTaskQueue,
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    2 * time.Minute,
		},
	}
)

// StripeOptions returns the activity options for Stripe calls.
func StripeOptions() workflow.ActivityOptions { return stripeOptions }

// GitHubOptions returns the activity options for GitHub calls.
func GitHubOptions() workflow.ActivityOptions { return githubOptions }

// CRMOptions returns the activity options for CRM calls.
func CRMOptions() workflow.ActivityOptions { return crmOptions }

// SlackOptions returns the activity options for Slack calls.
func SlackOptions() workflow.ActivityOptions { return slackOptions }

// Activity names for the integrations' nil receivers: workflows name
// activities by method on these.
var (
	crmActs   *activities.CRM
	slackActs *activities.Slack
)
