package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Activity options per integration, in one place. Non-retryable errors
// (4xx other than 408/409/429, missing credentials) are classified by the
// activities themselves, so the policies here only shape backoff.
var (
	stripeOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	}
	githubOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	}
)

// StripeOptions returns the activity options for Stripe calls.
func StripeOptions() workflow.ActivityOptions { return stripeOptions }

// GitHubOptions returns the activity options for GitHub calls.
func GitHubOptions() workflow.ActivityOptions { return githubOptions }
