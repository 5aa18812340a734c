package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// readmeQueries are the visibility queries the README shows operators.
func readmeQueries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)<!-- visibility-queries -->\n```\n(.*?)```").FindStringSubmatch(string(raw))
	require.NotNil(t, m, "README has the visibility-queries block")
	return strings.Split(strings.TrimSpace(m[1]), "\n")
}

// TestReadmeQueriesFindTheirEvents runs the README's three queries, with
// today's date and a fresh object ID, against a real server: each parses and
// finds exactly the events it promises.
func TestReadmeQueriesFindTheirEvents(t *testing.T) {
	queries := readmeQueries(t)
	require.Len(t, queries, 3)

	// Taken first, so events posted just after midnight still count as today.
	today := time.Now().UTC().Format("2006-01-02") + "T00:00:00Z"
	obj := fmt.Sprintf("pi_readme_%d", time.Now().UnixNano())
	okID := fmt.Sprintf("evt_readme_ok_%d", time.Now().UnixNano())
	badID := fmt.Sprintf("evt_readme_bad_%d", time.Now().UnixNano())
	require.Equal(t, http.StatusOK, postStripe(t, stack.ingress.URL, stripePayload(okID, obj)).Status)
	bad := []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","created":%d,"data":{"object":{"object":"payment_intent"}}}`, badID, time.Now().Unix()))
	require.Equal(t, http.StatusOK, postStripe(t, stack.ingress.URL, bad).Status)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, "stripe:"+okID))
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, waitClosed(t, "stripe:"+badID))

	failedToday := regexp.MustCompile(`\d{4}-\d\d-\d\dT00:00:00Z`).ReplaceAllString(queries[0], today)
	oneObject := regexp.MustCompile(`'pi_[A-Za-z0-9]+'`).ReplaceAllString(queries[1], "'"+obj+"'")
	oneType := queries[2]

	list := func(c *assert.CollectT, q string) []string {
		resp, err := stack.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: q, PageSize: 1000})
		require.NoError(c, err, q)
		var ids []string
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		return ids
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		failed := list(c, failedToday)
		assert.Contains(c, failed, "stripe:"+badID)
		assert.NotContains(c, failed, "stripe:"+okID)
		assert.Equal(c, []string{"stripe:" + okID}, list(c, oneObject))
		all := list(c, oneType)
		assert.Contains(c, all, "stripe:"+okID)
		assert.Contains(c, all, "stripe:"+badID)
	}, 20*time.Second, 200*time.Millisecond)

	// Yesterday's failures are not today's.
	resp, err := stack.client.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: strings.Replace(failedToday, ">=", "<", 1)})
	require.NoError(t, err)
	assert.Zero(t, resp.GetCount())
}
