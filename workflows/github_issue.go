package workflows

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// githubActs is a nil receiver used only to name GitHub activities by method.
var githubActs *activities.GitHub

// GitHubIssueResult is what an issue event workflow did.
type GitHubIssueResult struct {
	Comment *activities.CommentOnIssueResult
}

type githubIssueEnvelope struct {
	Action string `json:"action"`
	Issue  struct {
		Number int    `json:"number"`
		Title  string `json:"title"`
	} `json:"issue"`
	Repository struct {
		Name  string `json:"name"`
		Owner struct {
			Login string `json:"login"`
		} `json:"owner"`
	} `json:"repository"`
}

// GitHubIssue handles issues.opened: it acknowledges the issue with a comment
// through the GitHub API. The comment carries the workflow ID as a marker, so
// a retried activity never posts twice.
func GitHubIssue(ctx workflow.Context, in EventInput) (*GitHubIssueResult, error) {
	var env githubIssueEnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.Issue.Number == 0 || env.Repository.Name == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("delivery %s has no issue or repository", in.EventID), "MalformedEvent", err)
	}
	ctx = workflow.WithActivityOptions(ctx, githubOptions)
	info := workflow.GetInfo(ctx)
	body := fmt.Sprintf("Thanks for opening **%s**. Switchyard is on it (event `%s`).",
		strings.TrimSpace(env.Issue.Title), info.WorkflowExecution.ID)
	var res activities.CommentOnIssueResult
	err := workflow.ExecuteActivity(ctx, githubActs.CommentOnIssue, activities.CommentOnIssueInput{
		Owner: env.Repository.Owner.Login, Repo: env.Repository.Name, Number: env.Issue.Number,
		Body: body, Marker: info.WorkflowExecution.ID,
	}).Get(ctx, &res)
	if err != nil {
		return nil, fmt.Errorf("comment on %s/%s#%d: %w", env.Repository.Owner.Login, env.Repository.Name, env.Issue.Number, err)
	}
	return &GitHubIssueResult{Comment: &res}, nil
}
