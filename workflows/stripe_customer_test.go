package workflows_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

// markerSlack behaves like PostSlackMessage with a bot token: a post whose
// marker the channel already has is not posted again. lose makes the first
// attempt in a channel post and then fail, as when Slack's answer is lost.
type markerSlack struct {
	mu       sync.Mutex
	messages map[string][]string // channel → markers, in order
	attempts map[string]int      // channel → attempts
	lose     map[string]bool
}

func newMarkerSlack(env *testsuite.TestWorkflowEnvironment, delay time.Duration) *markerSlack {
	s := &markerSlack{messages: map[string][]string{}, attempts: map[string]int{}, lose: map[string]bool{}}
	env.RegisterActivity(slackActs)
	env.OnActivity(slackActs.PostSlackMessage, mock.Anything, mock.Anything).After(delay).Return(
		func(_ context.Context, in activities.PostSlackMessageInput) (*activities.PostSlackMessageResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.attempts[in.Channel]++
			for _, m := range s.messages[in.Channel] {
				if m == in.Marker {
					return &activities.PostSlackMessageResult{Channel: in.Channel, Existing: true}, nil
				}
			}
			s.messages[in.Channel] = append(s.messages[in.Channel], in.Marker)
			if s.lose[in.Channel] {
				s.lose[in.Channel] = false
				return nil, temporal.NewApplicationError("read tcp: connection reset", "SlackUnavailable")
			}
			return &activities.PostSlackMessageResult{Channel: in.Channel, Timestamp: "1.1"}, nil
		})
	return s
}

func customerEnv(t *testing.T, c activities.Customer, delay time.Duration) (*testsuite.TestWorkflowEnvironment, *fakeCRM, *markerSlack) {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	env.RegisterActivity(crmActs)
	env.OnActivity(stripeActs.RetrieveCustomer, mock.Anything, activities.RetrieveCustomerInput{ID: c.ID}).Return(&c, nil)
	crm := &fakeCRM{contacts: map[string]activities.UpsertContactInput{}}
	env.OnActivity(crmActs.UpsertCRMContact, mock.Anything, mock.Anything).After(delay).Return(
		func(_ context.Context, in activities.UpsertContactInput) (*activities.CRMRecord, error) {
			crm.mu.Lock()
			defer crm.mu.Unlock()
			crm.contacts[in.Email] = in
			return &activities.CRMRecord{ID: "c-" + in.Email, Key: in.Email}, nil
		}).Maybe()
	return env, crm, newMarkerSlack(env, delay)
}

var customerChannels = []string{"#sales", "#success", "C0OPS"}

func TestCustomerChangeFansOutToCRMAndEveryChannel(t *testing.T) {
	const delay = time.Minute // each call takes a minute of workflow time
	env, crm, slack := customerEnv(t, activities.Customer{ID: "cus_9", Email: "ada@example.com", Name: "Ada Lovelace"}, delay)
	start := env.Now()
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Less(t, env.Now().Sub(start), 2*delay, "the CRM upsert and the three posts ran at once, not one after another")

	assert.Equal(t, "Lovelace", crm.contacts["ada@example.com"].LastName)
	for _, ch := range customerChannels {
		assert.Equal(t, []string{"default-test-workflow-id/customer/" + ch}, slack.messages[ch], ch)
	}
	var res workflows.StripeCustomerResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Len(t, res.Slack, 3)
	for i, ch := range customerChannels {
		assert.Equal(t, ch, res.Slack[i].Channel, "results in the configured order")
	}
	assert.Equal(t, "c-ada@example.com", res.Contact.ID)
}

func TestCustomerPostRetryFindsItsMessage(t *testing.T) {
	env, _, slack := customerEnv(t, activities.Customer{ID: "cus_9", Email: "ada@example.com"}, 0)
	slack.lose["#success"] = true // posted, but the activity failed: Temporal retries it
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, 2, slack.attempts["#success"], "retried once")
	for _, ch := range customerChannels {
		assert.Len(t, slack.messages[ch], 1, "%s: one message, the retry carried the same marker", ch)
	}
	var res workflows.StripeCustomerResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.True(t, res.Slack[1].Existing, "the retry found the first attempt's message")
}

func TestCustomerWithoutEmailIsPostedNotUpserted(t *testing.T) {
	env, crm, slack := customerEnv(t, activities.Customer{ID: "cus_9", Name: "Anonymous"}, 0)
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels[:1]}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Empty(t, crm.contacts, "the CRM keys contacts by email")
	assert.Len(t, slack.messages["#sales"], 1)
}

func TestDeletedCustomerIsNeitherUpsertedNorPosted(t *testing.T) {
	env, crm, slack := customerEnv(t, activities.Customer{ID: "cus_9", Email: "gone@example.com", Deleted: true}, 0)
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Empty(t, crm.contacts)
	assert.Empty(t, slack.attempts)
}

func TestCustomerSyncWithoutChannelsOnlyUpserts(t *testing.T) {
	env, crm, slack := customerEnv(t, activities.Customer{ID: "cus_9", Email: "ada@example.com"}, 0)
	env.ExecuteWorkflow(workflows.CustomerSync{}.StripeCustomerSync, stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Contains(t, crm.contacts, "ada@example.com")
	assert.Empty(t, slack.attempts)
}

// A run started before the fan-out (no version marker in its history)
// replays as it was recorded: the contact only.
func TestCustomerSyncStartedBeforeFanOutKeepsItsShape(t *testing.T) {
	env, crm, slack := customerEnv(t, activities.Customer{ID: "cus_9", Email: "ada@example.com"}, 0)
	env.OnGetVersion("customer-slack-fan-out", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	require.NoError(t, env.GetWorkflowError())
	assert.Contains(t, crm.contacts, "ada@example.com")
	assert.Empty(t, slack.attempts)
}

// Slack failing for good (no credentials) fails the run naming the
// variable, but the CRM upsert, which ran alongside, still happened.
func TestCustomerSyncSlackDisabled(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	env.RegisterActivity(crmActs)
	env.RegisterActivity(activities.NewSlack(activities.SlackConfig{}))
	env.OnActivity(stripeActs.RetrieveCustomer, mock.Anything, mock.Anything).Return(&activities.Customer{ID: "cus_9", Email: "ada@example.com"}, nil)
	upserted := false
	env.OnActivity(crmActs.UpsertCRMContact, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.UpsertContactInput) (*activities.CRMRecord, error) {
			upserted = true
			return &activities.CRMRecord{ID: "c-1"}, nil
		})
	env.ExecuteWorkflow(workflows.CustomerSync{SlackChannels: customerChannels[:2]}.StripeCustomerSync,
		stripeEvent("customer.updated", "cus_9"))
	err := env.GetWorkflowError()
	require.Error(t, err)
	assert.True(t, hasErrorType(err, activities.ErrNotConfigured), "%v", err)
	assert.Contains(t, err.Error(), "SLACK_BOT_TOKEN")
	assert.True(t, upserted)
}
