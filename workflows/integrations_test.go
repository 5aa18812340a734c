package workflows_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/workflows"
)

// fakeCRM keeps CRM state in memory behind the activity mocks, so workflow
// tests assert on the state the CRM ends in, not on call counts.
type fakeCRM struct {
	mu       sync.Mutex
	contacts map[string]activities.UpsertContactInput
	deals    map[string]activities.UpsertDealInput
	tickets  map[string]string // key → "open" or "closed"
	slack    []string
}

func newFakeCRM(env *testsuite.TestWorkflowEnvironment) *fakeCRM {
	f := &fakeCRM{contacts: map[string]activities.UpsertContactInput{}, deals: map[string]activities.UpsertDealInput{}, tickets: map[string]string{}}
	env.RegisterActivity(crmActs)
	env.RegisterActivity(slackActs)
	env.OnActivity(crmActs.UpsertCRMContact, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.UpsertContactInput) (*activities.CRMRecord, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			_, existed := f.contacts[in.Email]
			f.contacts[in.Email] = in
			return &activities.CRMRecord{ID: "c-" + in.Email, Key: in.Email, Created: !existed}, nil
		}).Maybe()
	env.OnActivity(crmActs.UpsertCRMDeal, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.UpsertDealInput) (*activities.CRMRecord, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.deals[in.ExternalID] = in
			return &activities.CRMRecord{ID: "d-" + in.ExternalID, Key: in.ExternalID, Stage: string(in.Stage)}, nil
		}).Maybe()
	env.OnActivity(crmActs.MoveCRMDealStage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.MoveDealStageInput) (*activities.MoveDealStageResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			d, ok := f.deals[in.ExternalID]
			if !ok {
				return &activities.MoveDealStageResult{}, nil
			}
			d.Stage = in.Stage
			f.deals[in.ExternalID] = d
			return &activities.MoveDealStageResult{Found: true, Record: &activities.CRMRecord{ID: "d-" + in.ExternalID}}, nil
		}).Maybe()
	env.OnActivity(crmActs.CreateCRMTicket, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CreateTicketInput) (*activities.CRMRecord, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			_, existed := f.tickets[in.ExternalKey]
			if !existed {
				f.tickets[in.ExternalKey] = "open"
			}
			return &activities.CRMRecord{ID: "t-" + in.ExternalKey, Created: !existed}, nil
		}).Maybe()
	env.OnActivity(crmActs.CloseCRMTicket, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CloseTicketInput) (*activities.CloseTicketResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			_, ok := f.tickets[in.ExternalKey]
			if ok {
				f.tickets[in.ExternalKey] = "closed"
			}
			return &activities.CloseTicketResult{Found: ok}, nil
		}).Maybe()
	env.OnActivity(slackActs.PostSlackMessage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PostSlackMessageInput) (*activities.PostSlackMessageResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.slack = append(f.slack, in.Text)
			return &activities.PostSlackMessageResult{Timestamp: "1.1"}, nil
		}).Maybe()
	return f
}

func stripeEvent(typ, objectID string) workflows.EventInput {
	return workflows.EventInput{Source: "stripe", EventID: "evt_" + objectID, Type: typ,
		Payload: json.RawMessage(`{"data":{"object":{"id":"` + objectID + `"}}}`)}
}

// stripeState is what "Stripe" reports in these tests: one payment, later refunded.
type stripeState struct{ refunded bool }

func (s *stripeState) mock(env *testsuite.TestWorkflowEnvironment) {
	env.RegisterActivity(stripeActs)
	env.OnActivity(stripeActs.RetrievePaymentIntent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RetrievePaymentIntentInput) (*activities.PaymentIntent, error) {
			return &activities.PaymentIntent{ID: in.ID, Status: "succeeded", Amount: 4200, Currency: "eur",
				CustomerID: "cus_1", CustomerEmail: "ada@example.com", CustomerName: "Ada Lovelace", Refunded: s.refunded}, nil
		}).Maybe()
	env.OnActivity(stripeActs.RetrieveCharge, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RetrieveChargeInput) (*activities.Charge, error) {
			return &activities.Charge{ID: in.ID, Amount: 4200, Currency: "eur", PaymentIntentID: "pi_1",
				Refunded: s.refunded, AmountRefunded: map[bool]int64{true: 4200}[s.refunded]}, nil
		}).Maybe()
}

func TestPaymentSyncsContactDealAndSlackInParallel(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	(&stripeState{}).mock(env)
	crm := newFakeCRM(env)
	env.SetStartWorkflowOptions(startOpts("stripe:evt_pi_1"))
	env.ExecuteWorkflow(workflows.StripePayment, stripeEvent("payment_intent.succeeded", "pi_1"))
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, "Ada", crm.contacts["ada@example.com"].FirstName)
	assert.Equal(t, "cus_1", crm.contacts["ada@example.com"].StripeID)
	d := crm.deals["pi_1"]
	assert.Equal(t, activities.DealWon, d.Stage)
	assert.Equal(t, int64(4200), d.Amount)
	assert.Equal(t, "eur", d.Currency)
	require.Len(t, crm.slack, 1)
	assert.Contains(t, crm.slack[0], "42.00 EUR")
}

// Either order of payment and refund events leaves the deal refunded,
// because each workflow asks Stripe for the current state.
func TestRefundAndPaymentInEitherOrderEndRefunded(t *testing.T) {
	orders := map[string][]workflows.EventInput{
		"payment first": {stripeEvent("payment_intent.succeeded", "pi_1"), stripeEvent("charge.refunded", "ch_1")},
		"refund first":  {stripeEvent("charge.refunded", "ch_1"), stripeEvent("payment_intent.succeeded", "pi_1")},
	}
	for name, events := range orders {
		t.Run(name, func(t *testing.T) {
			state := &stripeState{}
			var crm *fakeCRM
			for i, ev := range events {
				// The refund has happened in Stripe by the time either event is
				// processed in the "refund first" order, and by the second in the other.
				state.refunded = name == "refund first" || i == 1
				var s testsuite.WorkflowTestSuite
				env := s.NewTestWorkflowEnvironment()
				state.mock(env)
				next := newFakeCRM(env)
				if crm != nil { // the CRM persists across the two workflows
					next.deals, next.contacts = crm.deals, crm.contacts
				}
				crm = next
				if ev.Type == "charge.refunded" {
					env.ExecuteWorkflow(workflows.StripeRefund, ev)
				} else {
					env.ExecuteWorkflow(workflows.StripePayment, ev)
				}
				require.NoError(t, env.GetWorkflowError())
			}
			require.Contains(t, crm.deals, "pi_1")
			assert.Equal(t, activities.DealRefunded, crm.deals["pi_1"].Stage)
			assert.Len(t, crm.deals, 1)
		})
	}
}

func TestCRMFailureFailsPaymentAfterOtherBranchesFinish(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	(&stripeState{}).mock(env)
	env.RegisterActivity(crmActs)
	env.RegisterActivity(slackActs)
	env.OnActivity(crmActs.UpsertCRMContact, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("crm integration is disabled: HUBSPOT_TOKEN is not set", activities.ErrNotConfigured, nil))
	env.OnActivity(crmActs.UpsertCRMDeal, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("crm integration is disabled: HUBSPOT_TOKEN is not set", activities.ErrNotConfigured, nil))
	posted := 0
	env.OnActivity(slackActs.PostSlackMessage, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.PostSlackMessageInput) (*activities.PostSlackMessageResult, error) {
			posted++
			return &activities.PostSlackMessageResult{}, nil
		})
	env.ExecuteWorkflow(workflows.StripePayment, stripeEvent("payment_intent.succeeded", "pi_1"))
	err := env.GetWorkflowError()
	require.Error(t, err)
	assert.True(t, hasErrorType(err, activities.ErrNotConfigured), "%v", err)
	assert.Contains(t, err.Error(), "HUBSPOT_TOKEN")
	assert.Equal(t, 1, posted, "the parallel Slack post still ran")
}

func TestCheckoutUsesPaymentIntentAsDealKey(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	(&stripeState{}).mock(env)
	crm := newFakeCRM(env)
	env.OnActivity(stripeActs.RetrieveCheckoutSession, mock.Anything, activities.RetrieveCheckoutSessionInput{ID: "cs_1"}).Return(
		&activities.CheckoutSession{ID: "cs_1", PaymentStatus: "paid", AmountTotal: 999, Currency: "usd",
			CustomerEmail: "bob@example.com", PaymentIntentID: "pi_9", LineItems: []activities.LineItem{{Description: "T-shirt"}, {Description: "Mug"}}}, nil)
	env.ExecuteWorkflow(workflows.StripeCheckout, stripeEvent("checkout.session.completed", "cs_1"))
	require.NoError(t, env.GetWorkflowError())
	require.Contains(t, crm.deals, "pi_9")
	assert.Equal(t, "T-shirt and 1 more", crm.deals["pi_9"].Name)
	assert.Equal(t, int64(999), crm.deals["pi_9"].Amount)
	assert.Contains(t, crm.contacts, "bob@example.com")
	assert.Len(t, crm.slack, 1)
}

func TestCustomerSyncFromInvoice(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(stripeActs)
	crm := newFakeCRM(env)
	env.OnActivity(stripeActs.RetrieveInvoice, mock.Anything, activities.RetrieveInvoiceInput{ID: "in_1"}).
		Return(&activities.Invoice{ID: "in_1", CustomerID: "cus_7", CustomerEmail: "stale@example.com"}, nil)
	env.OnActivity(stripeActs.RetrieveCustomer, mock.Anything, activities.RetrieveCustomerInput{ID: "cus_7"}).
		Return(&activities.Customer{ID: "cus_7", Email: "new@example.com", Name: "Grace Hopper"}, nil)
	env.ExecuteWorkflow(workflows.CustomerSync{}.StripeCustomerSync, stripeEvent("invoice.paid", "in_1"))
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, []string{"new@example.com"}, keys(crm.contacts), "the customer's current email, not the invoice's copy")
	assert.Equal(t, "Hopper", crm.contacts["new@example.com"].LastName)
}

func TestIssueClosedBeforeOpenedStaysClosed(t *testing.T) {
	issue := func(action string) workflows.EventInput {
		return workflows.EventInput{Source: "github", Type: "issues." + action, EventID: action, Payload: json.RawMessage(
			`{"action":"` + action + `","issue":{"number":3,"title":"Crash"},"repository":{"name":"app","owner":{"login":"acme"}}}`)}
	}
	tickets := map[string]string{}
	for _, action := range []string{"closed", "opened"} {
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		crm := newFakeCRM(env)
		crm.tickets = tickets
		env.RegisterActivity(githubActs)
		env.OnActivity(githubActs.CommentOnIssue, mock.Anything, mock.Anything).Return(&activities.CommentOnIssueResult{CommentID: 1}, nil).Maybe()
		env.ExecuteWorkflow(workflows.GitHubIssue, issue(action))
		require.NoError(t, env.GetWorkflowError())
	}
	assert.Equal(t, map[string]string{"github:acme:app:3": "closed"}, tickets)
}

func TestPullRequestTriage(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(githubActs)
	env.OnActivity(githubActs.ListPullRequestFiles, mock.Anything, activities.ListPullRequestFilesInput{Owner: "acme", Repo: "app", Number: 12}).
		Return(&activities.ListPullRequestFilesResult{Files: make([]activities.PullRequestFile, 4), Additions: 80, Deletions: 40}, nil)
	var labels activities.AddLabelsInput
	env.OnActivity(githubActs.AddLabels, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AddLabelsInput) (*activities.AddLabelsResult, error) {
			labels = in
			return &activities.AddLabelsResult{Labels: in.Labels}, nil
		})
	var status activities.CreateCommitStatusInput
	env.OnActivity(githubActs.CreateCommitStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CreateCommitStatusInput) (*activities.CreateCommitStatusResult, error) {
			status = in
			return &activities.CreateCommitStatusResult{State: in.State}, nil
		})
	env.ExecuteWorkflow(workflows.GitHubPullRequest, workflows.EventInput{Source: "github", Type: "pull_request.opened", Payload: json.RawMessage(
		`{"action":"opened","pull_request":{"number":12,"head":{"sha":"deadbeef"}},"repository":{"name":"app","owner":{"login":"acme"}}}`)})
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, []string{"size/L"}, labels.Labels, "120 lines is L")
	assert.Equal(t, "size/", labels.ReplacePrefix)
	assert.Equal(t, "deadbeef", status.SHA)
	assert.Equal(t, workflows.StatusContext, status.Context)
	assert.Contains(t, status.Description, "120 lines changed in 4 files")

	for n, want := range map[int]string{0: "XS", 9: "XS", 10: "S", 99: "M", 100: "L", 499: "L", 500: "XL"} {
		assert.Equal(t, want, workflows.PRSize(n), "%d lines", n)
	}
}

func TestStripeWorkflowsRejectMalformedEvents(t *testing.T) {
	for name, wf := range map[string]any{"checkout": workflows.StripeCheckout, "refund": workflows.StripeRefund, "customer": workflows.CustomerSync{}.StripeCustomerSync} {
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		env.ExecuteWorkflow(wf, workflows.EventInput{EventID: "evt_bad", Payload: json.RawMessage(`{}`)})
		err := env.GetWorkflowError()
		require.Error(t, err, name)
		assert.True(t, hasErrorType(err, "MalformedEvent"), "%s: %v", name, err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
