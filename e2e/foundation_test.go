package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/workflows"
)

func TestStripeEventRunsExactlyOnce(t *testing.T) {
	eventID := fmt.Sprintf("evt_e2e_%d", time.Now().UnixNano())
	body := stripePayload(eventID, "pi_e2e_1")
	wantID := "stripe:" + eventID

	first := postStripe(t, stack.ingress.URL, body)
	require.Equal(t, http.StatusOK, first.Status, first.Error)
	assert.False(t, first.Duplicate)
	assert.Equal(t, wantID, first.WorkflowID)

	// 20 concurrent redeliveries while it may still run: all 2xx, all duplicates.
	var wg sync.WaitGroup
	answers := make([]answer, 20)
	for i := range answers {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = postStripe(t, stack.ingress.URL, body) }()
	}
	wg.Wait()
	for _, a := range answers {
		assert.Equal(t, http.StatusOK, a.Status, a.Error)
		assert.True(t, a.Duplicate)
		assert.Equal(t, first.RunID, a.RunID)
	}

	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, wantID))
	var res workflows.StripePaymentResult
	require.NoError(t, stack.client.GetWorkflow(context.Background(), wantID, "").Get(context.Background(), &res))
	assert.Equal(t, "pi_e2e_1", res.PaymentIntent.ID, "the workflow fetched the PaymentIntent from stripe-mock")
	assert.NotEmpty(t, res.PaymentIntent.CustomerID)

	// After completion, a redelivery is still a duplicate and starts nothing.
	again := postStripe(t, stack.ingress.URL, body)
	require.Equal(t, http.StatusOK, again.Status)
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.RunID, again.RunID)

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, int64(1), executions(t, wantID))
	}, 20*time.Second, 200*time.Millisecond, "exactly one execution")

	d, err := stack.client.DescribeWorkflowExecution(context.Background(), wantID, "")
	require.NoError(t, err)
	sa := d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()
	assert.Contains(t, string(sa["WebhookSource"].GetData()), "stripe")
	assert.Contains(t, string(sa["WebhookEventType"].GetData()), "payment_intent.succeeded")
	assert.Contains(t, string(sa["WebhookObjectID"].GetData()), "pi_e2e_1")
}

func TestGitHubIssueOpenedCommentsOnce(t *testing.T) {
	delivery := fmt.Sprintf("d-%d", time.Now().UnixNano())
	body := []byte(`{"action":"opened","issue":{"number":31,"title":"Flaky deploys"},` +
		`"repository":{"name":"switchyard","full_name":"acme/switchyard","owner":{"login":"acme"}}}`)
	a := postGitHub(t, stack.ingress.URL, "issues", delivery, body)
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	assert.Equal(t, "github:4242:"+delivery, a.WorkflowID)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID))

	comments := stack.github.Comments("acme", "switchyard", 31)
	require.Len(t, comments, 1, "the comment reached the GitHub API once")
	assert.Contains(t, comments[0].Body, "Flaky deploys")
	assert.Contains(t, comments[0].Body, a.WorkflowID)

	// A redelivery (same GUID) is a duplicate; the comment is not repeated.
	again := postGitHub(t, stack.ingress.URL, "issues", delivery, body)
	assert.True(t, again.Duplicate)
	assert.Len(t, stack.github.Comments("acme", "switchyard", 31), 1)
}

func TestUnreachableTemporalAnswers503(t *testing.T) {
	port, err := devserver.FreePort() // nothing listens there
	require.NoError(t, err)
	c, err := client.NewLazyClient(client.Options{HostPort: fmt.Sprintf("127.0.0.1:%d", port), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	defer c.Close()
	cfg := stack.cfg
	cfg.StartTimeout = time.Second
	h, err := ingress.FromConfig(cfg, ingress.TemporalStarter{Client: c}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	a := postStripe(t, srv.URL, stripePayload("evt_unreachable", "pi_x"))
	assert.Equal(t, http.StatusServiceUnavailable, a.Status)
	assert.NotEmpty(t, a.RetryAfter)
	assert.True(t, strings.Contains(a.Error, "temporal unavailable"), a.Error)

	resp, err := http.Get(srv.URL + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}
