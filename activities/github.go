package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// GitHubConfig is what the GitHub activities need.
type GitHubConfig struct {
	Token   string
	APIURL  string // https://api.github.com/, an Enterprise URL, or an httptest server
	Timeout time.Duration
}

// GitHub holds the GitHub API client; its methods are activities.
type GitHub struct {
	api *github.Client
}

// NewGitHub builds the client once. With no token the integration is disabled:
// every activity fails non-retryably, naming GITHUB_TOKEN.
func NewGitHub(cfg GitHubConfig) (*GitHub, error) {
	if cfg.Token == "" {
		return &GitHub{}, nil
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.APIURL, "/") + "/")
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an absolute URL", cfg.APIURL)
	}
	c := github.NewClient(&http.Client{Timeout: cfg.Timeout}).WithAuthToken(cfg.Token)
	c.BaseURL = base
	return &GitHub{api: c}, nil
}

// CommentOnIssueInput is one comment to post. Marker is a string unique to the
// event (the workflow ID): it is embedded in the comment so that a retried
// activity finds its earlier comment instead of posting a second one.
type CommentOnIssueInput struct {
	Owner  string
	Repo   string
	Number int
	Body   string
	Marker string
}

// CommentOnIssueResult identifies the comment, new or found.
type CommentOnIssueResult struct {
	CommentID int64
	URL       string
	Existing  bool
}

// CommentOnIssue posts a comment once per marker. GitHub has no idempotency
// key for comments, so the activity looks for its marker first.
func (g *GitHub) CommentOnIssue(ctx context.Context, in CommentOnIssueInput) (*CommentOnIssueResult, error) {
	if g.api == nil {
		return nil, notConfigured("github", "GITHUB_TOKEN")
	}
	tag := markerTag(in.Marker)
	if in.Marker != "" {
		found, err := g.findComment(ctx, in, tag)
		if err != nil || found != nil {
			return found, err
		}
	}
	body := in.Body
	if in.Marker != "" {
		body += "\n\n" + tag
	}
	c, resp, err := g.api.Issues.CreateComment(ctx, in.Owner, in.Repo, in.Number, &github.IssueComment{Body: &body})
	if err != nil {
		return nil, githubError(resp, err)
	}
	return &CommentOnIssueResult{CommentID: c.GetID(), URL: c.GetHTMLURL()}, nil
}

func (g *GitHub) findComment(ctx context.Context, in CommentOnIssueInput, tag string) (*CommentOnIssueResult, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := g.api.Issues.ListComments(ctx, in.Owner, in.Repo, in.Number, opts)
		if err != nil {
			return nil, githubError(resp, err)
		}
		for _, c := range comments {
			if strings.Contains(c.GetBody(), tag) {
				return &CommentOnIssueResult{CommentID: c.GetID(), URL: c.GetHTMLURL(), Existing: true}, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// markerTag is invisible in GitHub's rendering of the comment.
func markerTag(marker string) string { return "<!-- switchyard:" + marker + " -->" }

// githubError classifies a go-github error. Rate limits carry the time the
// limit resets (primary) or the Retry-After the API sent (secondary).
func githubError(resp *github.Response, err error) error {
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		wait := time.Until(rl.Rate.Reset.Time)
		if wait <= 0 {
			wait = time.Second
		}
		return classify("GitHubRateLimit", http.StatusTooManyRequests, wait, err)
	}
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &abuse) {
		return classify("GitHubRateLimit", http.StatusTooManyRequests, abuse.GetRetryAfter(), err)
	}
	status := 0
	retryAfter := time.Duration(0)
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
		retryAfter = RetryAfter(resp.Header, time.Now())
	}
	return classify("GitHubRequest", status, retryAfter, err)
}
