package workflows_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/workflows"
)

func TestGitHubPushReportsPayload(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	payload := `{"ref":"refs/heads/main","before":"000","after":"abc123","commits":[{"id":"1"},{"id":"2"}]}`
	env.ExecuteWorkflow(workflows.GitHubPush, workflows.EventInput{
		Source: "github", EventID: "d-1", Type: "push", Payload: json.RawMessage(payload),
	})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.GitHubPushResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.GitHubPushResult{PayloadBytes: len(payload), Ref: "refs/heads/main", After: "abc123"}, res)
}

func TestGitHubPushRejectsNonPush(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.ExecuteWorkflow(workflows.GitHubPush, workflows.EventInput{Source: "github", EventID: "d-2", Type: "push", Payload: json.RawMessage(`{"zen":"x","hook":{"id":1}}`)})
	require.True(t, env.IsWorkflowCompleted())
	require.True(t, hasErrorType(env.GetWorkflowError(), "MalformedEvent"))
}
