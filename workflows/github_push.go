package workflows

import (
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// GitHubPushResult is what a push workflow read from its delivery.
type GitHubPushResult struct {
	PayloadBytes int    // size of the raw payload the workflow received
	Ref          string // e.g. "refs/heads/main"
	After        string // the new head commit
	Commits      int    // commits listed in the payload
}

type githubPushEnvelope struct {
	Ref     string            `json:"ref"`
	After   string            `json:"after"`
	Commits []json.RawMessage `json:"commits"`
}

// GitHubPush handles push deliveries, which can be GitHub's largest (up to
// 25 MB). It reads the whole payload — restored from the payload store when
// it was too large for history — and reports what it found.
func GitHubPush(ctx workflow.Context, in EventInput) (*GitHubPushResult, error) {
	var env githubPushEnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.Ref == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("delivery %s is not a push payload", in.EventID), "MalformedEvent", err)
	}
	res := &GitHubPushResult{PayloadBytes: len(in.Payload), Ref: env.Ref, After: env.After, Commits: len(env.Commits)}
	workflow.GetLogger(ctx).Info("push received", "ref", res.Ref, "commits", res.Commits, "bytes", res.PayloadBytes)
	return res, nil
}
