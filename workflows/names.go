// Package workflows holds Switchyard's event workflows, the input every event
// workflow receives, and the routes from (source, event type) to workflow type.
package workflows

import "go.temporal.io/sdk/temporal"

// TaskQueue is where event workflows run.
const TaskQueue = "switchyard"

// Workflow type names. The ingress starts workflows by these names, so a
// route can also name a workflow registered by another worker or language.
const (
	StripePaymentWorkflow = "StripePayment"
	GitHubIssueWorkflow   = "GitHubIssue"

	StripeCheckoutWorkflow     = "StripeCheckout"
	StripeRefundWorkflow       = "StripeRefund"
	StripeCustomerSyncWorkflow = "StripeCustomerSync"
	GitHubPullRequestWorkflow  = "GitHubPullRequest"
)

// GitHubPushWorkflow is the workflow type of push deliveries.
const GitHubPushWorkflow = "GitHubPush"

// Search attributes every event workflow carries. They are registered on the
// namespace by `switchyard dev` (and must be by an operator in production:
// see the README) so operators can find events in the Temporal UI.
var (
	SourceKey    = temporal.NewSearchAttributeKeyKeyword("WebhookSource")
	EventTypeKey = temporal.NewSearchAttributeKeyKeyword("WebhookEventType")
	ObjectIDKey  = temporal.NewSearchAttributeKeyKeyword("WebhookObjectID")
)

// SearchAttributeNames lists the custom search attributes (all Keyword) a
// namespace needs before Switchyard can start workflows in it.
var SearchAttributeNames = []string{SourceKey.GetName(), EventTypeKey.GetName(), ObjectIDKey.GetName()}
