package activities_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
)

const ghToken = "ghp_testtoken123"

func newGitHub(t *testing.T) (*activities.GitHub, *fakes.GitHub, *testsuite.TestActivityEnvironment) {
	t.Helper()
	fake := fakes.NewGitHub(ghToken)
	t.Cleanup(fake.Close)
	gh, err := activities.NewGitHub(activities.GitHubConfig{Token: ghToken, APIURL: fake.URL})
	require.NoError(t, err)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(gh)
	return gh, fake, env
}

func comment(marker string) activities.CommentOnIssueInput {
	return activities.CommentOnIssueInput{Owner: "octo", Repo: "repo", Number: 7, Body: "hello", Marker: marker}
}

func TestCommentOnIssueIsIdempotent(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	// 120 comments by others: the marker search must page past the first 100.
	for i := range 120 {
		fake.AddComment("octo", "repo", 7, fmt.Sprintf("comment %d", i))
	}
	v, err := env.ExecuteActivity(gh.CommentOnIssue, comment("github:1:abc"))
	require.NoError(t, err)
	var first activities.CommentOnIssueResult
	require.NoError(t, v.Get(&first))
	assert.False(t, first.Existing)

	v, err = env.ExecuteActivity(gh.CommentOnIssue, comment("github:1:abc"))
	require.NoError(t, err)
	var second activities.CommentOnIssueResult
	require.NoError(t, v.Get(&second))
	assert.True(t, second.Existing, "a retry finds the first comment")
	assert.Equal(t, first.CommentID, second.CommentID)
	assert.Len(t, fake.Comments("octo", "repo", 7), 121, "one comment posted, not two")
	assert.Contains(t, fake.Comments("octo", "repo", 7)[120].Body, "<!-- switchyard:github:1:abc -->")
}

func TestGitHubErrorsAreClassified(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)

	fake.FailNext(1)
	_, err := env.ExecuteActivity(gh.CommentOnIssue, comment("m1"))
	require.Error(t, err)
	assert.False(t, nonRetryable(err), "a 500 is retried: %v", err)

	fake.RateLimitNext(1, 2*time.Second)
	_, err = env.ExecuteActivity(gh.CommentOnIssue, comment("m2"))
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.False(t, appErr.NonRetryable())
	assert.Equal(t, 2*time.Second, appErr.NextRetryDelay(), "Retry-After sets the next attempt's delay")

	bad, err := activities.NewGitHub(activities.GitHubConfig{Token: "ghp_wrong", APIURL: fake.URL})
	require.NoError(t, err)
	var s testsuite.WorkflowTestSuite
	env2 := s.NewTestActivityEnvironment()
	env2.RegisterActivity(bad)
	_, err = env2.ExecuteActivity(bad.CommentOnIssue, comment("m3"))
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "401 is permanent: %v", err)
	assert.NotContains(t, err.Error(), "ghp_wrong")
}

func TestGitHubDisabledWithoutToken(t *testing.T) {
	t.Parallel()
	gh, err := activities.NewGitHub(activities.GitHubConfig{})
	require.NoError(t, err)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(gh)
	_, err = env.ExecuteActivity(gh.CommentOnIssue, comment("m"))
	require.Error(t, err)
	assert.True(t, nonRetryable(err))
	assert.Contains(t, err.Error(), "GITHUB_TOKEN")
}

func nonRetryable(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.NonRetryable()
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"sk_test_abc123", "sk_live_XYZ", "ghp_abcdef", "xoxb-123-abc", "pat-na1-11111111-2222", "whsec_abc"} {
		out := activities.Redact("failed with key " + secret + " in it")
		assert.NotContains(t, out, secret)
		assert.Contains(t, out, "[redacted]")
	}
	assert.NotContains(t, activities.Redact("Authorization was 'Bearer abc.def'"), "abc.def")
}
