package activities

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"
)

// AddLabelsInput adds Labels to an issue or pull request. Labels already on
// it that start with ReplacePrefix (e.g. "size/") and are not in Labels are
// removed, so a re-sized pull request carries one size label.
type AddLabelsInput struct {
	Owner         string
	Repo          string
	Number        int
	Labels        []string
	ReplacePrefix string
}

// AddLabelsResult lists the labels after the change.
type AddLabelsResult struct {
	Labels  []string
	Removed []string
}

// AddLabels is idempotent: GitHub keeps one copy of a label added twice, and
// removing an already removed label (404) counts as done.
func (g *GitHub) AddLabels(ctx context.Context, in AddLabelsInput) (*AddLabelsResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	out := &AddLabelsResult{}
	if in.ReplacePrefix != "" {
		current, resp, err := g.api.Issues.ListLabelsByIssue(ctx, in.Owner, in.Repo, in.Number, &github.ListOptions{PerPage: 100})
		if err != nil {
			return nil, githubError(resp, err)
		}
		for _, l := range current {
			name := l.GetName()
			if !strings.HasPrefix(name, in.ReplacePrefix) || slices.Contains(in.Labels, name) {
				continue
			}
			// go-github puts the name into the path as is; "size/XS" must be escaped.
			resp, err := g.api.Issues.RemoveLabelForIssue(ctx, in.Owner, in.Repo, in.Number, url.PathEscape(name))
			if err != nil && (resp == nil || resp.StatusCode != http.StatusNotFound) {
				return nil, githubError(resp, err)
			}
			out.Removed = append(out.Removed, name)
		}
	}
	labels, resp, err := g.api.Issues.AddLabelsToIssue(ctx, in.Owner, in.Repo, in.Number, in.Labels)
	if err != nil {
		return nil, githubError(resp, err)
	}
	for _, l := range labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out, nil
}

// ListPullRequestFilesInput names a pull request.
type ListPullRequestFilesInput struct {
	Owner  string
	Repo   string
	Number int
}

// PullRequestFile is one changed file.
type PullRequestFile struct {
	Filename  string
	Status    string
	Additions int
	Deletions int
}

// ListPullRequestFilesResult lists every changed file (GitHub returns at most
// 3,000) and the totals.
type ListPullRequestFilesResult struct {
	Files     []PullRequestFile
	Additions int
	Deletions int
}

// ListPullRequestFiles pages through a pull request's files, 100 at a time.
func (g *GitHub) ListPullRequestFiles(ctx context.Context, in ListPullRequestFilesInput) (*ListPullRequestFilesResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	out := &ListPullRequestFilesResult{}
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := g.api.PullRequests.ListFiles(ctx, in.Owner, in.Repo, in.Number, opts)
		if err != nil {
			return nil, githubError(resp, err)
		}
		for _, f := range files {
			out.Files = append(out.Files, PullRequestFile{Filename: f.GetFilename(), Status: f.GetStatus(), Additions: f.GetAdditions(), Deletions: f.GetDeletions()})
			out.Additions += f.GetAdditions()
			out.Deletions += f.GetDeletions()
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// CreateCommitStatusInput is one status for a commit. GitHub shows the
// latest status per Context, so posting the same status twice is harmless.
type CreateCommitStatusInput struct {
	Owner       string
	Repo        string
	SHA         string
	State       string // error, failure, pending or success
	Context     string
	Description string
	TargetURL   string
}

// CreateCommitStatusResult identifies the status created.
type CreateCommitStatusResult struct {
	ID    int64
	State string
}

// CreateCommitStatus sets a commit status.
func (g *GitHub) CreateCommitStatus(ctx context.Context, in CreateCommitStatusInput) (*CreateCommitStatusResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	st := &github.RepoStatus{State: &in.State, Context: &in.Context, Description: &in.Description}
	if in.TargetURL != "" {
		st.TargetURL = &in.TargetURL
	}
	s, resp, err := g.api.Repositories.CreateStatus(ctx, in.Owner, in.Repo, in.SHA, st)
	if err != nil {
		return nil, githubError(resp, err)
	}
	return &CreateCommitStatusResult{ID: s.GetID(), State: s.GetState()}, nil
}
