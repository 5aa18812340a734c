package activities_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/internal/fakes"
)

const hsToken = "pat-na1-11111111-2222-3333"

func newCRM(t *testing.T, token string) (*activities.CRM, *fakes.HubSpot, *testsuite.TestActivityEnvironment) {
	t.Helper()
	fake := fakes.NewHubSpot(hsToken)
	t.Cleanup(fake.Close)
	hs, err := activities.NewHubSpot(activities.HubSpotConfig{Token: token, APIURL: fake.URL})
	require.NoError(t, err)
	crm := activities.NewCRM(hs, "HUBSPOT_TOKEN")
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(crm)
	return crm, fake, env
}

func run[T any](t *testing.T, env *testsuite.TestActivityEnvironment, fn any, in any) (*T, error) {
	t.Helper()
	v, err := env.ExecuteActivity(fn, in)
	if err != nil {
		return nil, err
	}
	var out T
	require.NoError(t, v.Get(&out))
	return &out, nil
}

func TestHubSpotUpsertsAreIdempotent(t *testing.T) {
	t.Parallel()
	crm, fake, env := newCRM(t, hsToken)
	contact := activities.UpsertContactInput{Email: "Ada@Example.com", FirstName: "Ada", LastName: "Lovelace", StripeID: "cus_1"}
	first, err := run[activities.CRMRecord](t, env, crm.UpsertCRMContact, contact)
	require.NoError(t, err)
	assert.True(t, first.Created)
	contact.Phone = "+44 20"
	second, err := run[activities.CRMRecord](t, env, crm.UpsertCRMContact, contact)
	require.NoError(t, err)
	assert.False(t, second.Created, "the second upsert updates")
	assert.Equal(t, first.ID, second.ID)
	require.Len(t, fake.Objects("contacts"), 1)
	assert.Equal(t, "+44 20", fake.Objects("contacts")[0].Properties["phone"])

	deal := activities.UpsertDealInput{ExternalID: "pi_1", Name: "Order", Amount: 12345, Currency: "eur", Stage: activities.DealWon}
	d1, err := run[activities.CRMRecord](t, env, crm.UpsertCRMDeal, deal)
	require.NoError(t, err)
	d2, err := run[activities.CRMRecord](t, env, crm.UpsertCRMDeal, deal)
	require.NoError(t, err)
	assert.Equal(t, d1.ID, d2.ID)
	require.Len(t, fake.Objects("deals"), 1)
	props := fake.Objects("deals")[0].Properties
	assert.Equal(t, "123.45", props["amount"])
	assert.Equal(t, "EUR", props["deal_currency_code"])
	assert.Equal(t, "closedwon", props["dealstage"])
	assert.Equal(t, "pi_1", props["switchyard_external_id"])

	moved, err := run[activities.MoveDealStageResult](t, env, crm.MoveCRMDealStage, activities.MoveDealStageInput{ExternalID: "pi_1", Stage: activities.DealRefunded})
	require.NoError(t, err)
	assert.True(t, moved.Found)
	assert.Equal(t, "closedlost", fake.Objects("deals")[0].Properties["dealstage"])
	missing, err := run[activities.MoveDealStageResult](t, env, crm.MoveCRMDealStage, activities.MoveDealStageInput{ExternalID: "pi_none", Stage: activities.DealRefunded})
	require.NoError(t, err)
	assert.False(t, missing.Found, "a missing deal is reported, not an error")
}

func TestHubSpotTicketsOpenOnceAndStayClosed(t *testing.T) {
	t.Parallel()
	crm, fake, env := newCRM(t, hsToken)
	in := activities.CreateTicketInput{ExternalKey: "github:acme/app#7", Subject: "Broken"}
	tk, err := run[activities.CRMRecord](t, env, crm.CreateCRMTicket, in)
	require.NoError(t, err)
	assert.True(t, tk.Created)
	closed, err := run[activities.CloseTicketResult](t, env, crm.CloseCRMTicket, activities.CloseTicketInput{ExternalKey: in.ExternalKey})
	require.NoError(t, err)
	assert.True(t, closed.Found)
	// A late or retried create finds the ticket and does not reopen it.
	again, err := run[activities.CRMRecord](t, env, crm.CreateCRMTicket, in)
	require.NoError(t, err)
	assert.Equal(t, tk.ID, again.ID)
	assert.False(t, again.Created)
	require.Len(t, fake.Objects("tickets"), 1)
	assert.Equal(t, "4", fake.Objects("tickets")[0].Properties["hs_pipeline_stage"])
	none, err := run[activities.CloseTicketResult](t, env, crm.CloseCRMTicket, activities.CloseTicketInput{ExternalKey: "github:x/y#1"})
	require.NoError(t, err)
	assert.False(t, none.Found)
}

func TestHubSpotErrorsAreClassified(t *testing.T) {
	t.Parallel()
	crm, fake, env := newCRM(t, hsToken)
	contact := activities.UpsertContactInput{Email: "a@b.c"}

	fake.FailNext(1)
	_, err := env.ExecuteActivity(crm.UpsertCRMContact, contact)
	require.Error(t, err)
	assert.False(t, nonRetryable(err), "a 500 is retried: %v", err)

	fake.RateLimitNext(1, 3*time.Second)
	_, err = env.ExecuteActivity(crm.UpsertCRMContact, contact)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.False(t, appErr.NonRetryable())
	assert.Equal(t, 3*time.Second, appErr.NextRetryDelay())

	// A deal without a stage cannot be created: HubSpot says 400.
	fake.UniqueProperty = "other_property"
	_, err = env.ExecuteActivity(crm.UpsertCRMDeal, activities.UpsertDealInput{ExternalID: "pi_9", Stage: activities.DealWon})
	require.Error(t, err)
	assert.True(t, nonRetryable(err))
	assert.True(t, errors.As(err, &appErr))
	assert.Equal(t, "HubSpotValidation", appErr.Type(), "a portal without the unique property is a permanent error")

	bad, _, badEnv := newCRM(t, "pat-na1-wrong-token")
	_, err = badEnv.ExecuteActivity(bad.UpsertCRMContact, contact)
	require.Error(t, err)
	assert.True(t, nonRetryable(err), "401 is permanent: %v", err)
	assert.NotContains(t, err.Error(), "pat-na1-wrong-token")
	assert.Len(t, fake.Objects("contacts"), 0, "no failed call left a record")
}

func TestCRMDisabledWithoutToken(t *testing.T) {
	t.Parallel()
	hs, err := activities.NewHubSpot(activities.HubSpotConfig{})
	require.NoError(t, err)
	require.Nil(t, hs)
	crm := activities.NewCRM(nil, "HUBSPOT_TOKEN")
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(crm)
	_, err = env.ExecuteActivity(crm.UpsertCRMDeal, activities.UpsertDealInput{ExternalID: "pi", Stage: activities.DealWon})
	require.Error(t, err)
	assert.True(t, nonRetryable(err))
	assert.Contains(t, err.Error(), "HUBSPOT_TOKEN")
}

func TestMajorUnits(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "10.99", activities.MajorUnits(1099, "usd"))
	assert.Equal(t, "1099", activities.MajorUnits(1099, "JPY"))
	assert.Equal(t, "1.099", activities.MajorUnits(1099, "kwd"))
}
