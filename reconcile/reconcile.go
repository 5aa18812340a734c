// Package reconcile closes the gap webhooks leave: events a sender could not
// deliver (Switchyard down, a sender that gave up, GitHub, which never
// retries) are found through the providers' APIs and brought in with the same
// workflow IDs, so what was already received dedupes and only what was missed
// runs. It runs as Temporal workflows, on a Temporal Schedule per source and
// one-shot from `switchyard reconcile`.
package reconcile

import (
	"time"

	"github.com/switchyard/switchyard/activities"
)

// Workflow type names and the schedules that run them.
const (
	StripeWorkflowName = "ReconcileStripe"
	GitHubWorkflowName = "ReconcileGitHub"
	StripeScheduleID   = "switchyard-reconcile-stripe"
	GitHubScheduleID   = "switchyard-reconcile-github"
)

// Defaults.
const (
	// DefaultWindow is how far back a run with no watermark looks.
	DefaultWindow = time.Hour
	// DefaultInterval is how often the schedules run.
	DefaultInterval = 15 * time.Minute
	// overlap re-reads a little before the last watermark: an event created
	// just before a run's start may be listed by the API only a moment later.
	overlap = 5 * time.Minute
	// retentionMargin keeps the window inside retention with room to spare: an
	// event older than retention may have had its workflow deleted, and
	// starting it again would run it twice.
	retentionMargin = time.Hour
	pageSize        = 100
)

// StripeInput says which window one Stripe reconciliation covers: from Since
// if set, else from the previous scheduled run's watermark (minus a small
// overlap), else Window back from now. The window is clamped to the
// namespace's retention.
type StripeInput struct {
	Since  time.Time
	Window time.Duration
}

// StripeResult is what one Stripe reconciliation found and did. Until is the
// watermark the next scheduled run starts from.
type StripeResult struct {
	Since, Until time.Time
	Clamped      bool // the window was cut to the namespace's retention
	Listed       int  // events the API returned
	Started      int  // missed events now started
	Duplicates   int  // events already recorded (webhook received)
	Ignored      int  // events no workflow handles
}

// GitHubInput lists the hooks whose deliveries are reconciled and the window,
// as for StripeInput.
type GitHubInput struct {
	Hooks  []activities.HookTarget
	Since  time.Time
	Window time.Duration
}

// GitHubResult is what one GitHub reconciliation found and did.
type GitHubResult struct {
	Since, Until time.Time
	Clamped      bool
	Listed       int      // deliveries GitHub returned
	Failed       int      // deliveries (by GUID) that never succeeded
	Recorded     int      // of those, already recorded anyway (GitHub timed out after we answered)
	Redelivered  []string // workflow IDs whose delivery GitHub was asked to send again
}
