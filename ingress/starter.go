package ingress

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/switchyard/switchyard/workflows"
)

// StartRequest is one workflow start.
type StartRequest struct {
	WorkflowID string
	Route      workflows.Route
	Summary    string
	Input      workflows.EventInput
}

// Started is the run that holds the event: new, or the existing one for a duplicate.
type Started struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Duplicate  bool   `json:"duplicate"`
}

// Starter records events as workflows. TemporalStarter is the real one;
// handler tests use a fake.
type Starter interface {
	Start(ctx context.Context, req StartRequest) (Started, error)
	// Ready reports whether Temporal can be reached.
	Ready(ctx context.Context) error
}

// TemporalStarter starts workflows through a Temporal client.
type TemporalStarter struct {
	Client client.Client
}

// Start starts the workflow by type name, one round trip. The ID policies make
// Temporal itself the deduplication store: REJECT_DUPLICATE refuses a second
// run after the first closed, FAIL refuses one while it runs, and
// WorkflowExecutionErrorWhenAlreadyStarted makes both an error we can see
// (with the SDK defaults a duplicate would silently return the old run).
func (t TemporalStarter) Start(ctx context.Context, req StartRequest) (Started, error) {
	in := req.Input
	attrs := []temporal.SearchAttributeUpdate{
		workflows.SourceKey.ValueSet(in.Source),
		workflows.EventTypeKey.ValueSet(in.Type),
	}
	if in.ObjectID != "" {
		attrs = append(attrs, workflows.ObjectIDKey.ValueSet(in.ObjectID))
	}
	opts := client.StartWorkflowOptions{
		ID:                                       req.WorkflowID,
		TaskQueue:                                req.Route.TaskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    temporal.NewSearchAttributes(attrs...),
		StaticSummary:                            req.Summary,
	}
	run, err := t.Client.ExecuteWorkflow(ctx, opts, req.Route.Workflow, in)
	if err == nil {
		return Started{WorkflowID: run.GetID(), RunID: run.GetRunID()}, nil
	}
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return Started{WorkflowID: req.WorkflowID, RunID: already.RunId, Duplicate: true}, nil
	}
	return Started{}, classifyStartError(err)
}

// Ready asks the frontend's health check.
func (t TemporalStarter) Ready(ctx context.Context) error {
	if _, err := t.Client.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

// classifyStartError separates "try again later" (Temporal down, slow or
// overloaded: 503 with Retry-After) from everything else (500 for a single
// event; a batch answers 503 either way, see startsError). Either way the
// sender gets no 2xx and will redeliver.
func classifyStartError(err error) error {
	var (
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		exhausted   *serviceerror.ResourceExhausted
		canceled    *serviceerror.Canceled
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &unavailable), errors.As(err, &deadline),
		errors.As(err, &exhausted), errors.As(err, &canceled):
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %v", ErrStartFailed, err)
}
