package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"
	"go.temporal.io/sdk/temporal"
)

// HookTarget names the webhook whose deliveries are read: a repository's
// (Owner and Repo) or an organization's (Org), and its hook ID.
type HookTarget struct {
	Owner  string
	Repo   string
	Org    string
	HookID int64
}

// ListHookDeliveriesInput selects deliveries of one webhook. GitHub lists
// them newest first; listing stops at the first delivery older than Since
// (zero: no bound). Limit caps one call's result (default and maximum 1000);
// Cursor resumes from a previous result's NextCursor.
type ListHookDeliveriesInput struct {
	HookTarget
	Since  time.Time
	Cursor string
	Limit  int
}

// HookDelivery is one delivery attempt of a webhook as GitHub recorded it.
// GUID is the X-GitHub-Delivery the ingress saw (a redelivery keeps it, so the
// ingress treats a redelivery of a recorded event as a duplicate).
type HookDelivery struct {
	ID          int64
	GUID        string
	DeliveredAt time.Time
	Redelivery  bool
	Status      string
	StatusCode  int
	Event       string
	Action      string
}

// ListHookDeliveriesResult is one batch of deliveries. NextCursor is set when
// Limit cut the listing short: pass it as Cursor to continue.
type ListHookDeliveriesResult struct {
	Deliveries []HookDelivery
	NextCursor string
}

const maxListDeliveries = 1000

// ListHookDeliveries pages through a webhook's deliveries with GitHub's
// cursor paging. It only reads, so retrying it is harmless.
func (g *GitHub) ListHookDeliveries(ctx context.Context, in ListHookDeliveriesInput) (*ListHookDeliveriesResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	if err := in.HookTarget.check(); err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit <= 0 || limit > maxListDeliveries {
		limit = maxListDeliveries
	}
	out := &ListHookDeliveriesResult{}
	opts := &github.ListCursorOptions{Cursor: in.Cursor}
	for {
		// Each page asks only for what is left, so a batch always ends on a
		// page boundary and NextCursor resumes exactly after it.
		opts.PerPage = min(limit-len(out.Deliveries), 100)
		page, resp, err := g.listDeliveries(ctx, in.HookTarget, opts)
		if err != nil {
			return nil, githubError(resp, err)
		}
		for _, d := range page {
			if !in.Since.IsZero() && d.GetDeliveredAt().Time.Before(in.Since) {
				return out, nil
			}
			out.Deliveries = append(out.Deliveries, hookDelivery(d))
		}
		if resp.Cursor == "" {
			return out, nil
		}
		if len(out.Deliveries) >= limit {
			out.NextCursor = resp.Cursor
			return out, nil
		}
		opts.Cursor = resp.Cursor
	}
}

func (g *GitHub) listDeliveries(ctx context.Context, t HookTarget, opts *github.ListCursorOptions) ([]*github.HookDelivery, *github.Response, error) {
	if t.Org != "" {
		return g.api.Organizations.ListHookDeliveries(ctx, t.Org, t.HookID, opts)
	}
	return g.api.Repositories.ListHookDeliveries(ctx, t.Owner, t.Repo, t.HookID, opts)
}

// RedeliverHookDeliveryInput names one delivery to send again.
type RedeliverHookDeliveryInput struct {
	HookTarget
	DeliveryID int64
}

// RedeliverHookDeliveryResult says GitHub accepted the redelivery.
type RedeliverHookDeliveryResult struct {
	Accepted bool
}

// RedeliverHookDelivery asks GitHub to send a delivery again. GitHub has no
// idempotency key here, so a retried activity may trigger a second
// redelivery; that is harmless because the redelivery carries the same
// X-GitHub-Delivery GUID and the ingress answers it as a duplicate.
func (g *GitHub) RedeliverHookDelivery(ctx context.Context, in RedeliverHookDeliveryInput) (*RedeliverHookDeliveryResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	if err := in.HookTarget.check(); err != nil {
		return nil, err
	}
	var (
		resp *github.Response
		err  error
	)
	if in.Org != "" {
		_, resp, err = g.api.Organizations.RedeliverHookDelivery(ctx, in.Org, in.HookID, in.DeliveryID)
	} else {
		_, resp, err = g.api.Repositories.RedeliverHookDelivery(ctx, in.Owner, in.Repo, in.HookID, in.DeliveryID)
	}
	// GitHub answers 202 Accepted, which go-github reports as an AcceptedError.
	var accepted *github.AcceptedError
	if err != nil && !errors.As(err, &accepted) {
		return nil, githubError(resp, err)
	}
	return &RedeliverHookDeliveryResult{Accepted: true}, nil
}

func (t HookTarget) check() error {
	if t.HookID == 0 || (t.Org == "") == (t.Owner == "" || t.Repo == "") {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("hook target needs a hook ID and either Org or Owner+Repo, got %+v", t), "GitHubInvalidInput", nil)
	}
	return nil
}

func hookDelivery(d *github.HookDelivery) HookDelivery {
	return HookDelivery{
		ID: d.GetID(), GUID: d.GetGUID(), DeliveredAt: d.GetDeliveredAt().Time, Redelivery: d.GetRedelivery(),
		Status: d.GetStatus(), StatusCode: d.GetStatusCode(), Event: d.GetEvent(), Action: d.GetAction(),
	}
}
