package workflows

import (
	"encoding/json"
	"path"
	"time"
)

// EventInput is the input of every event workflow: the verified webhook as it
// arrived, minus anything secret. Payload is the raw JSON body, so an operator
// sees exactly what the sender sent in the Temporal UI and a replay runs on
// the same bytes.
type EventInput struct {
	Source     string            // source name, e.g. "stripe"
	EventID    string            // the sender's event ID, e.g. "evt_123"
	Type       string            // event type, e.g. "payment_intent.succeeded" or "issues.opened"
	ObjectID   string            // the main object, e.g. "pi_123" or "octo/repo#7", if known
	ReceivedAt time.Time         // when the ingress verified the event
	Payload    json.RawMessage   // the raw body (one event of a batch)
	Meta       map[string]string // non-secret delivery headers worth keeping
}

// Route sends events of one source whose type matches EventType to a workflow
// type on a task queue.
type Route struct {
	Source    string // source name
	EventType string // exact type or a path.Match pattern such as "issues.*"
	Workflow  string // workflow type name
	TaskQueue string
}

// Matches reports whether the route takes events of this source and type.
func (r Route) Matches(source, eventType string) bool {
	if r.Source != source {
		return false
	}
	ok, err := path.Match(r.EventType, eventType)
	return err == nil && ok
}

// FindRoute returns the first route that matches, in order.
func FindRoute(routes []Route, source, eventType string) (Route, bool) {
	for _, r := range routes {
		if r.Matches(source, eventType) {
			return r, true
		}
	}
	return Route{}, false
}

// DefaultRoutes are the built-in routes: the events Switchyard's own workflows handle.
func DefaultRoutes() []Route {
	return []Route{
		{Source: "stripe", EventType: "payment_intent.succeeded", Workflow: StripePaymentWorkflow, TaskQueue: TaskQueue},
		{Source: "github", EventType: "issues.opened", Workflow: GitHubIssueWorkflow, TaskQueue: TaskQueue},
		{Source: "stripe", EventType: "checkout.session.completed", Workflow: StripeCheckoutWorkflow, TaskQueue: TaskQueue},
		{Source: "stripe", EventType: "charge.refunded", Workflow: StripeRefundWorkflow, TaskQueue: TaskQueue},
		{Source: "stripe", EventType: "invoice.paid", Workflow: StripeCustomerSyncWorkflow, TaskQueue: TaskQueue},
		{Source: "stripe", EventType: "customer.updated", Workflow: StripeCustomerSyncWorkflow, TaskQueue: TaskQueue},
		{Source: "github", EventType: "issues.closed", Workflow: GitHubIssueWorkflow, TaskQueue: TaskQueue},
		{Source: "github", EventType: "pull_request.opened", Workflow: GitHubPullRequestWorkflow, TaskQueue: TaskQueue},
		{Source: "github", EventType: "pull_request.synchronize", Workflow: GitHubPullRequestWorkflow, TaskQueue: TaskQueue},
		{Source: "github", EventType: "push", Workflow: GitHubPushWorkflow, TaskQueue: TaskQueue},
	}
}
