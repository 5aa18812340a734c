package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

var (
	stripeActs *activities.Stripe
	githubActs *activities.GitHub
	crmActs    *activities.CRM
	slackActs  *activities.Slack
)

func paymentEvent() workflows.EventInput {
	return workflows.EventInput{
		Source: "stripe", EventID: "evt_1", Type: "payment_intent.succeeded",
		Payload: json.RawMessage(`{"id":"evt_1","data":{"object":{"id":"pi_42","object":"payment_intent"}}}`),
	}
}

func TestStripePaymentFetchesCurrentState(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	crm := newFakeCRM(env)
	env.OnActivity(stripeActs.RetrievePaymentIntent, mock.Anything, activities.RetrievePaymentIntentInput{ID: "pi_42"}).
		Return(&activities.PaymentIntent{ID: "pi_42", Status: "succeeded", Amount: 500, Currency: "usd"}, nil).Once()

	env.ExecuteWorkflow(workflows.StripePayment, paymentEvent())
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.StripePaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, "succeeded", res.PaymentIntent.Status)
	assert.Equal(t, activities.DealWon, crm.deals["pi_42"].Stage)
	assert.Nil(t, res.Sync.Contact, "no email, no contact")
	env.AssertExpectations(t)
}

func TestStripePaymentRetriesTransientFailures(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	newFakeCRM(env)
	calls := 0
	env.OnActivity(stripeActs.RetrievePaymentIntent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RetrievePaymentIntentInput) (*activities.PaymentIntent, error) {
			calls++
			if calls < 3 {
				return nil, errors.New("stripe: HTTP 502")
			}
			return &activities.PaymentIntent{ID: in.ID, Status: "succeeded"}, nil
		})
	env.ExecuteWorkflow(workflows.StripePayment, paymentEvent())
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, 3, calls)
}

func TestStripePaymentStopsOnPermanentFailure(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	calls := 0
	env.OnActivity(stripeActs.RetrievePaymentIntent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, _ activities.RetrievePaymentIntentInput) (*activities.PaymentIntent, error) {
			calls++
			return nil, temporal.NewNonRetryableApplicationError("HTTP 404", "StripeInvalidRequest", nil)
		})
	env.ExecuteWorkflow(workflows.StripePayment, paymentEvent())
	err := env.GetWorkflowError()
	require.Error(t, err)
	assert.True(t, hasErrorType(err, "StripeInvalidRequest"), "%v", err)
	assert.Equal(t, 1, calls, "a 4xx is not retried")
}

func TestStripePaymentRejectsEventWithoutObject(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	in := paymentEvent()
	in.Payload = json.RawMessage(`{"id":"evt_1"}`)
	env.ExecuteWorkflow(workflows.StripePayment, in)
	require.Error(t, env.GetWorkflowError())
}

func TestGitHubIssueCommentsWithMarker(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(githubActs)
	env.RegisterActivity(crmActs)
	env.RegisterActivity(slackActs)
	env.OnActivity(crmActs.CreateCRMTicket, mock.Anything, activities.CreateTicketInput{
		ExternalKey: "github:octo:repo:7", Subject: "octo/repo#7: Broken"}).
		Return(&activities.CRMRecord{ID: "T-55", Created: true}, nil).Once()
	var slackText string
	env.OnActivity(slackActs.PostSlackMessage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PostSlackMessageInput) (*activities.PostSlackMessageResult, error) {
			slackText = in.Text
			return &activities.PostSlackMessageResult{Timestamp: "1.2"}, nil
		}).Once()
	var got activities.CommentOnIssueInput
	env.OnActivity(githubActs.CommentOnIssue, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CommentOnIssueInput) (*activities.CommentOnIssueResult, error) {
			got = in
			return &activities.CommentOnIssueResult{CommentID: 9}, nil
		})
	env.SetStartWorkflowOptions(startOpts("github:42:abc"))
	env.ExecuteWorkflow(workflows.GitHubIssue, workflows.EventInput{
		Source: "github", EventID: "abc", Type: "issues.opened",
		Payload: json.RawMessage(`{"action":"opened","issue":{"number":7,"title":"Broken"},"repository":{"name":"repo","owner":{"login":"octo"}}}`),
	})
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, "octo", got.Owner)
	assert.Equal(t, "repo", got.Repo)
	assert.Equal(t, 7, got.Number)
	assert.Equal(t, "github:42:abc", got.Marker, "the marker is the workflow ID, unique per delivery")
	assert.Contains(t, got.Body, "Broken")
	assert.Contains(t, got.Body, "T-55", "the comment names the CRM ticket")
	assert.Contains(t, slackText, "T-55")
	env.AssertExpectations(t)
}

func TestRoutes(t *testing.T) {
	routes := append(workflows.DefaultRoutes(), workflows.Route{Source: "github", EventType: "pull_request.*", Workflow: "PR", TaskQueue: "q"})
	r, ok := workflows.FindRoute(routes, "stripe", "payment_intent.succeeded")
	require.True(t, ok)
	assert.Equal(t, workflows.StripePaymentWorkflow, r.Workflow)
	_, ok = workflows.FindRoute(routes, "stripe", "payment_intent.created")
	assert.False(t, ok)
	_, ok = workflows.FindRoute(routes, "github", "payment_intent.succeeded")
	assert.False(t, ok, "a route is per source")
	r, ok = workflows.FindRoute(routes, "github", "pull_request.edited")
	require.True(t, ok)
	assert.Equal(t, "PR", r.Workflow)
	r, ok = workflows.FindRoute(routes, "github", "pull_request.opened")
	require.True(t, ok)
	assert.Equal(t, workflows.GitHubPullRequestWorkflow, r.Workflow, "the built-in route comes first")
	for _, typ := range []string{"checkout.session.completed", "charge.refunded", "invoice.paid", "customer.updated"} {
		_, ok = workflows.FindRoute(routes, "stripe", typ)
		assert.True(t, ok, typ)
	}
	r, ok = workflows.FindRoute(routes, "github", "issues.closed")
	require.True(t, ok)
	assert.Equal(t, workflows.GitHubIssueWorkflow, r.Workflow)
}
