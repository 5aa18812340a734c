package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// Activities are reconciliation's own activities: they talk to Temporal (the
// activity's client), never to a provider.
type Activities struct {
	// Routes decide which events start which workflow, as in the ingress.
	Routes []workflows.Route
	// Client, if set, is used instead of the activity's own client (tests).
	Client client.Client
}

func (a *Activities) client(ctx context.Context) client.Client {
	if a.Client != nil {
		return a.Client
	}
	return activity.GetClient(ctx)
}

// NamespaceRetention reads how long the namespace keeps closed workflows.
func (a *Activities) NamespaceRetention(ctx context.Context) (time.Duration, error) {
	ns := activity.GetInfo(ctx).WorkflowNamespace
	resp, err := a.client(ctx).WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
	if err != nil {
		return 0, fmt.Errorf("describe namespace %s: %w", ns, err)
	}
	return resp.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(), nil
}

// StartStripeEventsInput is one page of events read from the Stripe API.
type StartStripeEventsInput struct {
	Events []activities.StripeEvent
}

// StartEventsResult counts what happened to each event.
type StartEventsResult struct {
	Started, Duplicates, Ignored int
}

// StartStripeEvents starts each routed event exactly as the ingress does
// (same ID, search attributes, summary, dedupe policy). Retrying it is safe:
// what it started before comes back as duplicates.
func (a *Activities) StartStripeEvents(ctx context.Context, in StartStripeEventsInput) (*StartEventsResult, error) {
	st := ingress.TemporalStarter{Client: a.client(ctx)}
	res := &StartEventsResult{}
	now := time.Now().UTC()
	for _, se := range in.Events {
		ev, err := ingress.StripeEventFromAPI(se.Raw)
		if err != nil {
			activity.GetLogger(ctx).Warn("skipping unreadable Stripe event", "event_id", se.ID, "error", err)
			res.Ignored++
			continue
		}
		route, ok := workflows.FindRoute(a.Routes, "stripe", ev.Type)
		if !ok {
			res.Ignored++
			continue
		}
		started, err := st.Start(ctx, ingress.StartRequest{
			WorkflowID: ev.WorkflowID, Route: route, Summary: ev.Summary,
			Input: workflows.EventInput{Source: "stripe", EventID: ev.EventID, Type: ev.Type, ObjectID: ev.ObjectID,
				ReceivedAt: now, Payload: ev.Payload, Meta: ev.Meta},
		})
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", ev.WorkflowID, err)
		}
		if started.Duplicate {
			res.Duplicates++
			continue
		}
		res.Started++
		activity.GetLogger(ctx).Info("missed event started", "workflow_id", ev.WorkflowID, "type", ev.Type)
	}
	return res, nil
}

// UnrecordedInput is a hook's failed deliveries.
type UnrecordedInput struct {
	HookID     string
	Deliveries []activities.HookDelivery
}

// UnrecordedResult are the deliveries with no workflow in Temporal.
type UnrecordedResult struct {
	Deliveries []activities.HookDelivery
}

// UnrecordedDeliveries keeps the deliveries whose workflow does not exist:
// GitHub marks a delivery failed when the answer took over 10 s, even if the
// ingress recorded it.
func (a *Activities) UnrecordedDeliveries(ctx context.Context, in UnrecordedInput) (*UnrecordedResult, error) {
	c := a.client(ctx)
	res := &UnrecordedResult{}
	for _, d := range in.Deliveries {
		_, err := c.DescribeWorkflowExecution(ctx, ingress.GitHubWorkflowID(in.HookID, d.GUID), "")
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
			res.Deliveries = append(res.Deliveries, d)
		case err != nil:
			return nil, fmt.Errorf("describe delivery %s: %w", d.GUID, err)
		}
	}
	return res, nil
}
