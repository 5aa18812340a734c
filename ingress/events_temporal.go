package ingress

import (
	"context"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/switchyard/switchyard/workflows"
)

// TemporalEvents is the EventStore over a Temporal client: Describe for one
// event, visibility for listings.
type TemporalEvents struct {
	Client client.Client
}

// Describe implements EventStore. The failure of a closed, unsuccessful run is
// read from its close event.
func (t TemporalEvents) Describe(ctx context.Context, workflowID string) (EventStatus, error) {
	d, err := t.Client.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return EventStatus{}, storeError(workflowID, err)
	}
	ev := executionStatus(d.GetWorkflowExecutionInfo())
	if ev.Status != "running" && ev.Status != "completed" {
		if reason := t.failure(ctx, workflowID, ev.RunID); reason != "" {
			ev.Failure = &reason
		}
	}
	return ev, nil
}

// List implements EventStore.
func (t TemporalEvents) List(ctx context.Context, f EventFilter) (EventPage, error) {
	q, err := VisibilityQuery(f)
	if err != nil {
		return EventPage{}, err
	}
	resp, err := t.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: q, PageSize: int32(f.Limit), NextPageToken: f.PageToken,
	})
	if err != nil {
		return EventPage{}, storeError("", err)
	}
	page := EventPage{NextPageToken: resp.GetNextPageToken()}
	for _, info := range resp.GetExecutions() {
		page.Events = append(page.Events, executionStatus(info))
	}
	return page, nil
}

// executionStatus reads an execution's visibility record.
func executionStatus(info *workflowpb.WorkflowExecutionInfo) EventStatus {
	ev := EventStatus{
		WorkflowID: info.GetExecution().GetWorkflowId(),
		RunID:      info.GetExecution().GetRunId(),
		Status:     StatusName(info.GetStatus()),
		StartedAt:  info.GetStartTime().AsTime().UTC(),
	}
	if ct := info.GetCloseTime(); ct != nil && info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t := ct.AsTime().UTC()
		ev.ClosedAt = &t
	}
	fields := info.GetSearchAttributes().GetIndexedFields()
	ev.Source = keyword(fields[workflows.SourceKey.GetName()])
	ev.Type = keyword(fields[workflows.EventTypeKey.GetName()])
	ev.ID = EventIDOf(ev.Source, ev.WorkflowID)
	return ev
}

// statusNames are the API's names for Temporal's execution statuses.
var statusNames = map[enumspb.WorkflowExecutionStatus]string{
	enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:          "running",
	enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:        "completed",
	enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:           "failed",
	enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:         "canceled",
	enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:       "terminated",
	enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW: "continued_as_new",
	enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:        "timed_out",
}

// StatusName is the API's name for a Temporal execution status.
func StatusName(s enumspb.WorkflowExecutionStatus) string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	return "unknown"
}

func keyword(p *commonpb.Payload) string {
	var s string
	if p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &s)
	}
	return s
}

// failure is a one-line reason from the run's close event; empty if it
// cannot be read (the status alone still answers the caller).
func (t TemporalEvents) failure(ctx context.Context, workflowID, runID string) string {
	it := t.Client.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return ""
		}
		if msg := closeReason(e); msg != "" {
			return msg
		}
	}
	return ""
}

func closeReason(e *historypb.HistoryEvent) string {
	switch {
	case e.GetWorkflowExecutionFailedEventAttributes() != nil:
		f := e.GetWorkflowExecutionFailedEventAttributes().GetFailure()
		msg := f.GetMessage()
		for c := f.GetCause(); c != nil; c = c.GetCause() {
			msg += ": " + c.GetMessage()
		}
		return msg
	case e.GetWorkflowExecutionTimedOutEventAttributes() != nil:
		return "workflow timed out"
	case e.GetWorkflowExecutionTerminatedEventAttributes() != nil:
		return "terminated: " + e.GetWorkflowExecutionTerminatedEventAttributes().GetReason()
	case e.GetWorkflowExecutionCanceledEventAttributes() != nil:
		return "canceled"
	}
	return ""
}

// storeError maps Temporal errors onto the status API's sentinels.
func storeError(workflowID string, err error) error {
	var (
		notFound *serviceerror.NotFound
		invalid  *serviceerror.InvalidArgument
	)
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("%w: %s", ErrEventNotFound, workflowID)
	case errors.As(err, &invalid):
		return fmt.Errorf("%w: %v", ErrMalformed, invalid.Message)
	}
	if c := classifyStartError(err); errors.Is(c, ErrUnavailable) {
		return c
	}
	return fmt.Errorf("read %s: %w", workflowID, err)
}
