package activities_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
)

func TestListPullRequestFilesPages(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	var files []fakes.GitHubFile
	for i := range 230 {
		files = append(files, fakes.GitHubFile{Filename: fmt.Sprintf("f%d.go", i), Status: "modified", Additions: 2, Deletions: 1})
	}
	fake.SetFiles("octo", "repo", 5, files)
	res, err := run[activities.ListPullRequestFilesResult](t, env, gh.ListPullRequestFiles, activities.ListPullRequestFilesInput{Owner: "octo", Repo: "repo", Number: 5})
	require.NoError(t, err)
	assert.Len(t, res.Files, 230, "all three pages")
	assert.Equal(t, 460, res.Additions)
	assert.Equal(t, 230, res.Deletions)
}

func TestAddLabelsReplacesPrefix(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	fake.SetLabels("octo", "repo", 5, "bug", "size/XS")
	in := activities.AddLabelsInput{Owner: "octo", Repo: "repo", Number: 5, Labels: []string{"size/L"}, ReplacePrefix: "size/"}
	res, err := run[activities.AddLabelsResult](t, env, gh.AddLabels, in)
	require.NoError(t, err)
	assert.Equal(t, []string{"size/XS"}, res.Removed)
	_, err = run[activities.AddLabelsResult](t, env, gh.AddLabels, in) // a retry changes nothing
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"bug", "size/L"}, fake.Labels("octo", "repo", 5))
}

func TestCreateCommitStatus(t *testing.T) {
	t.Parallel()
	gh, fake, env := newGitHub(t)
	res, err := run[activities.CreateCommitStatusResult](t, env, gh.CreateCommitStatus, activities.CreateCommitStatusInput{
		Owner: "octo", Repo: "repo", SHA: "abc123", State: "success", Context: "switchyard/size", Description: "size/S"})
	require.NoError(t, err)
	assert.Equal(t, "success", res.State)
	st := fake.Statuses("octo", "repo", "abc123")
	require.Len(t, st, 1)
	assert.Equal(t, "switchyard/size", st[0].Context)

	_, err = env.ExecuteActivity(gh.CreateCommitStatus, activities.CreateCommitStatusInput{
		Owner: "octo", Repo: "repo", SHA: "abc123", State: "great", Context: "x"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "GitHub's 422 for a bad state is permanent: %v", err)
}
