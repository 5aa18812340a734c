package workflows

import (
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// GitHubPullRequestResult is what triage decided and did.
type GitHubPullRequestResult struct {
	Size    string // XS, S, M, L or XL
	Changed int    // lines added plus deleted
	Files   int
	Labels  *activities.AddLabelsResult
	Status  *activities.CreateCommitStatusResult
}

type githubPREnvelope struct {
	Action      string `json:"action"`
	PullRequest struct {
		Number int `json:"number"`
		Head   struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	Repository struct {
		Name  string `json:"name"`
		Owner struct {
			Login string `json:"login"`
		} `json:"owner"`
	} `json:"repository"`
}

// sizeLimits are the upper bounds (lines changed) of each size label, the
// common convention of size-labelling bots.
var sizeLimits = []struct {
	Max  int
	Name string
}{{9, "XS"}, {29, "S"}, {99, "M"}, {499, "L"}}

// PRSize names the size of a change of n lines.
func PRSize(n int) string {
	for _, l := range sizeLimits {
		if n <= l.Max {
			return l.Name
		}
	}
	return "XL"
}

// StatusContext is the commit status context triage sets.
const StatusContext = "switchyard/size"

// GitHubPullRequest handles pull_request.opened and .synchronize: it lists
// the files through the API (the payload's counts can be stale after a
// force-push), then in parallel sets one size/… label, replacing an older
// one, and a commit status on the head commit.
func GitHubPullRequest(ctx workflow.Context, in EventInput) (*GitHubPullRequestResult, error) {
	var env githubPREnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.PullRequest.Number == 0 || env.Repository.Name == "" || env.PullRequest.Head.SHA == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("delivery %s has no pull request, head commit or repository", in.EventID), "MalformedEvent", err)
	}
	owner, repo, num := env.Repository.Owner.Login, env.Repository.Name, env.PullRequest.Number
	gctx := workflow.WithActivityOptions(ctx, githubOptions)
	var files activities.ListPullRequestFilesResult
	if err := workflow.ExecuteActivity(gctx, githubActs.ListPullRequestFiles,
		activities.ListPullRequestFilesInput{Owner: owner, Repo: repo, Number: num}).Get(ctx, &files); err != nil {
		return nil, fmt.Errorf("list files of %s/%s#%d: %w", owner, repo, num, err)
	}
	res := &GitHubPullRequestResult{Changed: files.Additions + files.Deletions, Files: len(files.Files)}
	res.Size = PRSize(res.Changed)
	labels := workflow.ExecuteActivity(gctx, githubActs.AddLabels, activities.AddLabelsInput{
		Owner: owner, Repo: repo, Number: num, Labels: []string{"size/" + res.Size}, ReplacePrefix: "size/"})
	status := workflow.ExecuteActivity(gctx, githubActs.CreateCommitStatus, activities.CreateCommitStatusInput{
		Owner: owner, Repo: repo, SHA: env.PullRequest.Head.SHA, State: "success", Context: StatusContext,
		Description: fmt.Sprintf("size/%s: %d lines changed in %d files", res.Size, res.Changed, res.Files)})
	res.Labels, res.Status = new(activities.AddLabelsResult), new(activities.CreateCommitStatusResult)
	if err := labels.Get(ctx, res.Labels); err != nil {
		return nil, fmt.Errorf("label %s/%s#%d: %w", owner, repo, num, err)
	}
	if err := status.Get(ctx, res.Status); err != nil {
		return nil, fmt.Errorf("status on %s: %w", env.PullRequest.Head.SHA, err)
	}
	return res, nil
}
