package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/worker"
	"github.com/switchyard/switchyard/workflows"
)

// TestWorkerExportsSDKMetrics runs a worker whose client reports to
// worker.Metrics, completes an event on it, and scrapes /metrics over HTTP.
func TestWorkerExportsSDKMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := worker.NewMetrics()
	c, err := client.NewClientFromExisting(stack.client, client.Options{
		MetricsHandler: m.Handler(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	require.NoError(t, err)
	defer c.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx, ln, slog.New(slog.DiscardHandler)) }()

	queue := fmt.Sprintf("metrics-e2e-%d", time.Now().UnixNano())
	startFlakyWorker(t, c, queue)
	eventID := fmt.Sprintf("evt_metrics_%d", time.Now().UnixNano())
	route := workflows.Route{Source: "stripe", EventType: "payment_intent.succeeded", Workflow: flakyWorkflow, TaskQueue: queue}
	st, err := ingress.TemporalStarter{Client: c}.Start(ctx, ingress.StartRequest{WorkflowID: ingress.StripeWorkflowID(eventID), Route: route,
		Input: workflows.EventInput{Source: "stripe", EventID: eventID, Type: route.EventType, Payload: stripePayload(eventID, "pi_metrics")}})
	require.NoError(t, err)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, st.WorkflowID))

	url := "http://" + ln.Addr().String() + "/metrics"
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := http.Get(url)
		require.NoError(c, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		out := string(body)
		// Assert on patterns, not the whole page, to keep failures readable.
		for _, want := range []string{
			`temporal_workflow_completed\{[^}]*task_queue="` + queue + `"[^}]*workflow_type="` + flakyWorkflow + `"[^}]*\} 1\n`,
			`temporal_activity_execution_latency_seconds_count\{activity_type="FlakyStep"[^}]*\} 1\n`,
			`temporal_request\{[^}]*operation="StartWorkflowExecution"[^}]*\} 1\n`,
		} {
			assert.True(c, regexp.MustCompile(want).MatchString(out), "no line matches %s", want)
		}
	}, 20*time.Second, 200*time.Millisecond)

	cancel()
	require.NoError(t, <-served)
}
