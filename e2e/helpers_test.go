package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// answer is the ingress's JSON answer.
type answer struct {
	Status     int
	RetryAfter string
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Duplicate  bool   `json:"duplicate"`
	Ignored    bool   `json:"ignored"`
	Error      string `json:"error"`
}

func post(t *testing.T, url string, body []byte, headers map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	require.NoError(t, json.Unmarshal(raw, &a), string(raw))
	return a
}

func stripePayload(eventID, piID string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","api_version":"2020-08-27","created":%d,`+
		`"livemode":false,"data":{"object":{"id":%q,"object":"payment_intent","amount":2000,"currency":"eur"}}}`,
		eventID, time.Now().Unix(), piID))
}

func postStripe(t *testing.T, base string, body []byte) answer {
	t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: stripeSecret})
	return post(t, base+"/v1/webhooks/stripe", body, map[string]string{"Stripe-Signature": sp.Header, "Content-Type": "application/json"})
}

func postGitHub(t *testing.T, base, event, delivery string, body []byte) answer {
	t.Helper()
	m := hmac.New(sha256.New, []byte(githubSecret))
	m.Write(body)
	return post(t, base+"/v1/webhooks/github", body, map[string]string{
		"Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
		"X-GitHub-Hook-ID": "4242", "X-Hub-Signature-256": "sha256=" + hex.EncodeToString(m.Sum(nil)),
	})
}

// executions counts every run, open or closed, with this workflow ID, by
// visibility (eventually consistent, so callers poll).
func executions(t *testing.T, workflowID string) int64 {
	t.Helper()
	resp, err := stack.client.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = %q", workflowID),
	})
	require.NoError(t, err)
	return resp.GetCount()
}

// waitClosed waits for the run to close and returns its status.
func waitClosed(t *testing.T, workflowID string) enumspb.WorkflowExecutionStatus {
	t.Helper()
	var status enumspb.WorkflowExecutionStatus
	require.Eventually(t, func() bool {
		d, err := stack.client.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			return false
		}
		status = d.GetWorkflowExecutionInfo().GetStatus()
		return status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	}, 60*time.Second, 100*time.Millisecond)
	return status
}
