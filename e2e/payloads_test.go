package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// pushPayload is a GitHub push delivery of about size bytes: many commits,
// as a large push really is.
func pushPayload(size int) []byte {
	var b strings.Builder
	b.Grow(size + 1024)
	b.WriteString(`{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567",` +
		`"repository":{"full_name":"octo/big","name":"big","owner":{"login":"octo"}},"commits":[`)
	msg := strings.Repeat("m", 900)
	for i := 0; b.Len() < size-1100; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%040x","message":"commit %d %s"}`, i, i, msg)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// A 20 MB push is ten times Temporal's payload limit: the ingress accepts it,
// the client stores the input outside history, and the workflow reads it all.
func TestLargeGitHubPushIsAcceptedAndRead(t *testing.T) {
	body := pushPayload(20 << 20)
	require.Greater(t, len(body), 20<<20-2048)
	delivery := fmt.Sprintf("push-%d", time.Now().UnixNano())
	a := postGitHub(t, stack.ingress.URL, "push", delivery, body)
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	require.Equal(t, ingress.GitHubWorkflowID("4242", delivery), a.WorkflowID)
	require.False(t, a.Duplicate)

	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID))
	var res workflows.GitHubPushResult
	require.NoError(t, stack.client.GetWorkflow(context.Background(), a.WorkflowID, a.RunID).Get(context.Background(), &res))
	require.Equal(t, len(body), res.PayloadBytes)
	require.Equal(t, "refs/heads/main", res.Ref)
	require.Equal(t, "0123456789abcdef0123456789abcdef01234567", res.After)

	// A redelivery of the same large body is still a duplicate, not a second run.
	again := postGitHub(t, stack.ingress.URL, "push", delivery, body)
	require.Equal(t, http.StatusOK, again.Status, again.Error)
	require.True(t, again.Duplicate)
	require.Equal(t, a.RunID, again.RunID)
}

// GitHub never sends more than 25 MB; anything larger is refused unread.
func TestOversizedGitHubPushIs413(t *testing.T) {
	body := pushPayload(26 << 20)
	delivery := fmt.Sprintf("push-big-%d", time.Now().UnixNano())
	a := postGitHub(t, stack.ingress.URL, "push", delivery, body)
	require.Equal(t, http.StatusRequestEntityTooLarge, a.Status, a.Error)
	require.Contains(t, a.Error, "too large")
	require.EqualValues(t, 0, executions(t, ingress.GitHubWorkflowID("4242", delivery)))
}
