package activities_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
)

const slackToken = "xoxb-111-222-abc"

func newSlack(t *testing.T, cfg activities.SlackConfig) (*activities.Slack, *fakes.Slack, *testsuite.TestActivityEnvironment) {
	t.Helper()
	fake := fakes.NewSlack(slackToken)
	t.Cleanup(fake.Close)
	if cfg.BotToken != "" {
		cfg.APIURL = fake.APIURL()
	}
	if cfg.WebhookURL == "fake" {
		cfg.WebhookURL = fake.WebhookURL()
	}
	s := activities.NewSlack(cfg)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(s)
	return s, fake, env
}

func TestSlackPostIsIdempotentByMarker(t *testing.T) {
	t.Parallel()
	s, fake, env := newSlack(t, activities.SlackConfig{BotToken: slackToken, DefaultChannel: "#payments"})
	for i := range 150 { // others talk in the channel: the marker search must page
		_, err := env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Text: "chatter", Marker: strings.Repeat("x", i+1)})
		require.NoError(t, err)
	}
	in := activities.PostSlackMessageInput{Text: "paid", Marker: "stripe:evt_1/payment"}
	first, err := run[activities.PostSlackMessageResult](t, env, s.PostSlackMessage, in)
	require.NoError(t, err)
	assert.False(t, first.Existing)
	assert.Equal(t, "C0PAYMENTS", first.Channel)
	for range 120 {
		_, err := env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Text: "later chatter", Marker: "other" + time.Now().String()})
		require.NoError(t, err)
	}
	second, err := run[activities.PostSlackMessageResult](t, env, s.PostSlackMessage, in)
	require.NoError(t, err)
	assert.True(t, second.Existing, "a retry finds the first post behind 120 newer messages")
	assert.Equal(t, first.Timestamp, second.Timestamp)
	n := 0
	for _, m := range fake.Messages("#payments") {
		if m.Text == "paid" {
			n++
			assert.Contains(t, string(m.Metadata), "stripe:evt_1/payment")
		}
	}
	assert.Equal(t, 1, n)
}

func TestSlackErrorsAreClassified(t *testing.T) {
	t.Parallel()
	s, fake, env := newSlack(t, activities.SlackConfig{BotToken: slackToken, DefaultChannel: "#payments"})
	_, err := env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Channel: "#nope", Text: "x"})
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	assert.Equal(t, "SlackAPI", appErr.Type())
	assert.True(t, appErr.NonRetryable(), "channel_not_found is permanent")

	fake.RateLimitNext(1, 2*time.Second)
	_, err = env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Text: "x"})
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.False(t, appErr.NonRetryable())
	assert.Equal(t, 2*time.Second, appErr.NextRetryDelay())

	fake.FailNext(1)
	_, err = env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Text: "x"})
	require.Error(t, err)
	assert.False(t, nonRetryable(err), "a 500 is retried: %v", err)

	bad := activities.NewSlack(activities.SlackConfig{BotToken: "xoxb-wrong-token", DefaultChannel: "#payments", APIURL: fake.APIURL()})
	var suite testsuite.WorkflowTestSuite
	badEnv := suite.NewTestActivityEnvironment()
	badEnv.RegisterActivity(bad)
	_, err = badEnv.ExecuteActivity(bad.PostSlackMessage, activities.PostSlackMessageInput{Text: "x"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "invalid_auth is permanent: %v", err)
	assert.NotContains(t, err.Error(), "xoxb-wrong-token")
}

func TestSlackWebhook(t *testing.T) {
	t.Parallel()
	s, fake, env := newSlack(t, activities.SlackConfig{WebhookURL: "fake"})
	res, err := run[activities.PostSlackMessageResult](t, env, s.PostSlackMessage, activities.PostSlackMessageInput{Text: "hello"})
	require.NoError(t, err)
	assert.True(t, res.ViaWebhook)
	assert.Equal(t, []string{"hello"}, fake.WebhookTexts())

	gone := activities.NewSlack(activities.SlackConfig{WebhookURL: fake.URL + "/services/T0/B0/revoked"})
	env.RegisterActivity(gone)
	_, err = env.ExecuteActivity(gone.PostSlackMessage, activities.PostSlackMessageInput{Text: "hello"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "a revoked webhook (404 no_service) is permanent: %v", err)
}

func TestSlackDisabledWithoutCredentials(t *testing.T) {
	t.Parallel()
	s := activities.NewSlack(activities.SlackConfig{})
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(s)
	_, err := env.ExecuteActivity(s.PostSlackMessage, activities.PostSlackMessageInput{Text: "x"})
	require.Error(t, err)
	assert.True(t, nonRetryable(err))
	assert.Contains(t, err.Error(), "SLACK_BOT_TOKEN")
}
