package reconcile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

// Nil receivers naming activities by method.
var (
	stripeActs *activities.Stripe
	githubActs *activities.GitHub
	ownActs    *Activities
)

// ownOptions are for this package's activities, which talk to Temporal only.
var ownOptions = workflow.ActivityOptions{StartToCloseTimeout: time.Minute}

// window works out where a run starts: in.Since, else the last run's
// watermark minus overlap, else window back; never before retention allows.
func window(ctx workflow.Context, since time.Time, win time.Duration, lastUntil time.Time) (from, now time.Time, clamped bool, err error) {
	now = workflow.Now(ctx).UTC()
	switch {
	case !since.IsZero():
		from = since
	case !lastUntil.IsZero():
		from = lastUntil.Add(-overlap)
	default:
		if win <= 0 {
			win = DefaultWindow
		}
		from = now.Add(-win)
	}
	var retention time.Duration
	actx := workflow.WithActivityOptions(ctx, ownOptions)
	if err = workflow.ExecuteActivity(actx, ownActs.NamespaceRetention).Get(ctx, &retention); err != nil {
		return from, now, false, fmt.Errorf("read namespace retention: %w", err)
	}
	if floor := now.Add(-retention + retentionMargin); retention > 0 && from.Before(floor) {
		workflow.GetLogger(ctx).Warn("reconciliation window cut to the namespace retention", "asked", from, "from", floor, "retention", retention)
		return floor, now, true, nil
	}
	return from, now, false, nil
}

// Stripe lists Stripe events in the window, page by page, and starts each
// routed one as the webhook would have; events already received dedupe.
func Stripe(ctx workflow.Context, in StripeInput) (*StripeResult, error) {
	var last StripeResult
	if workflow.HasLastCompletionResult(ctx) {
		_ = workflow.GetLastCompletionResult(ctx, &last)
	}
	from, now, clamped, err := window(ctx, in.Since, in.Window, last.Until)
	if err != nil {
		return nil, err
	}
	res := &StripeResult{Since: from, Until: now, Clamped: clamped}
	listCtx := workflow.WithActivityOptions(ctx, workflows.StripeOptions())
	startCtx := workflow.WithActivityOptions(ctx, ownOptions)
	cursor := ""
	for {
		var page activities.ListEventsResult
		err := workflow.ExecuteActivity(listCtx, stripeActs.ListEvents, activities.ListEventsInput{
			Since: from, Types: stripeTypes(), Limit: pageSize, StartingAfter: cursor,
		}).Get(ctx, &page)
		if err != nil {
			return res, fmt.Errorf("list stripe events since %s: %w", from.Format(time.RFC3339), err)
		}
		res.Listed += len(page.Events)
		if len(page.Events) > 0 {
			var started StartEventsResult
			if err := workflow.ExecuteActivity(startCtx, ownActs.StartStripeEvents, StartStripeEventsInput{Events: page.Events}).Get(ctx, &started); err != nil {
				return res, fmt.Errorf("start stripe events: %w", err)
			}
			res.Started += started.Started
			res.Duplicates += started.Duplicates
			res.Ignored += started.Ignored
		}
		if page.NextCursor == "" {
			return res, nil
		}
		cursor = page.NextCursor
	}
}

// stripeTypes are the exact Stripe event types the default routes take, so the
// API lists only events that could start something (nil: a pattern route
// needs every type).
func stripeTypes() []string {
	var types []string
	for _, r := range workflows.DefaultRoutes() {
		if r.Source != "stripe" {
			continue
		}
		if strings.ContainsAny(r.EventType, "*?[") {
			return nil
		}
		types = append(types, r.EventType)
	}
	sort.Strings(types)
	if len(types) > 20 { // Stripe's limit for types[]
		return nil
	}
	return types
}

// GitHub lists each hook's deliveries in the window and asks GitHub to
// redeliver those that never succeeded and were not recorded anyway, so the
// ingress receives them as it would have; a redelivery keeps its GUID and so
// its workflow ID.
func GitHub(ctx workflow.Context, in GitHubInput) (*GitHubResult, error) {
	var last GitHubResult
	if workflow.HasLastCompletionResult(ctx) {
		_ = workflow.GetLastCompletionResult(ctx, &last)
	}
	from, now, clamped, err := window(ctx, in.Since, in.Window, last.Until)
	if err != nil {
		return nil, err
	}
	res := &GitHubResult{Since: from, Until: now, Clamped: clamped}
	ghCtx := workflow.WithActivityOptions(ctx, workflows.GitHubOptions())
	ownCtx := workflow.WithActivityOptions(ctx, ownOptions)
	for _, hook := range in.Hooks {
		var all []activities.HookDelivery
		cursor := ""
		for {
			var page activities.ListHookDeliveriesResult
			if err := workflow.ExecuteActivity(ghCtx, githubActs.ListHookDeliveries, activities.ListHookDeliveriesInput{
				HookTarget: hook, Since: from, Cursor: cursor, Limit: 500,
			}).Get(ctx, &page); err != nil {
				return res, fmt.Errorf("list deliveries of hook %d: %w", hook.HookID, err)
			}
			all = append(all, page.Deliveries...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		res.Listed += len(all)
		failed := FailedDeliveries(all)
		res.Failed += len(failed)
		if len(failed) == 0 {
			continue
		}
		hookID := strconv.FormatInt(hook.HookID, 10)
		var unrecorded UnrecordedResult
		if err := workflow.ExecuteActivity(ownCtx, ownActs.UnrecordedDeliveries, UnrecordedInput{HookID: hookID, Deliveries: failed}).Get(ctx, &unrecorded); err != nil {
			return res, fmt.Errorf("check recorded deliveries: %w", err)
		}
		res.Recorded += len(failed) - len(unrecorded.Deliveries)
		for _, d := range unrecorded.Deliveries {
			if err := workflow.ExecuteActivity(ghCtx, githubActs.RedeliverHookDelivery, activities.RedeliverHookDeliveryInput{
				HookTarget: hook, DeliveryID: d.ID,
			}).Get(ctx, nil); err != nil {
				return res, fmt.Errorf("redeliver %s: %w", d.GUID, err)
			}
			res.Redelivered = append(res.Redelivered, "github:"+hookID+":"+d.GUID)
		}
	}
	return res, nil
}

// FailedDeliveries returns, per GUID that no attempt delivered (no 2xx), its
// newest attempt: the one to redeliver.
func FailedDeliveries(ds []activities.HookDelivery) []activities.HookDelivery {
	ok := map[string]bool{}
	newest := map[string]activities.HookDelivery{}
	var order []string
	for _, d := range ds {
		if d.StatusCode >= 200 && d.StatusCode < 300 {
			ok[d.GUID] = true
		}
		n, seen := newest[d.GUID]
		if !seen {
			order = append(order, d.GUID)
		}
		if !seen || d.DeliveredAt.After(n.DeliveredAt) || (d.DeliveredAt.Equal(n.DeliveredAt) && d.ID > n.ID) {
			newest[d.GUID] = d
		}
	}
	var out []activities.HookDelivery
	for _, guid := range order {
		if !ok[guid] {
			out = append(out, newest[guid])
		}
	}
	return out
}
