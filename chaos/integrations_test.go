//go:build chaos

package chaos

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchyard/switchyard/workflows"
)

// The worker is SIGKILLed mid-workflow again and again while payment and
// GitHub issue workflows run. Every workflow still completes, and the fakes
// record each side effect exactly once per event: CRM contact, deal and Slack
// message per payment; CRM ticket, GitHub comment and Slack message per issue.
func TestWorkerKilledMidWorkflow(t *testing.T) {
	track(t)
	const payments, issues, kills = 30, 20, 4
	s := newStack(t)
	run := fmt.Sprintf("wk%d", time.Now().UnixNano())
	type payment struct{ pi, email, wid string }
	pays := make([]payment, payments)
	for i := range pays {
		pi, _, _, email := s.down.putPayment(fmt.Sprintf("%s_%03d", run, i), false)
		pays[i] = payment{pi: pi, email: email}
	}
	// Slack at 3 posts/s and GitHub at 2 calls/s keep workflows of both
	// kinds in flight while the worker is killed.
	s.down.env = append(s.down.env, "SWITCHYARD_RATE_SLACK=3", "SWITCHYARD_RATE_GITHUB=2")
	held := s.down.holdWrites(t, time.Second)
	w := s.worker(t)
	issueIDs := make([]string, issues)
	for i := range max(payments, issues) {
		if i < payments {
			a := s.post(t, eventBody(fmt.Sprintf("evt_%s_%d", run, i), "payment_intent.succeeded", pays[i].pi, "payment_intent"))
			pays[i].wid = a.WorkflowID
		}
		if i < issues {
			issueIDs[i] = s.postGitHub(t, "issues", fmt.Sprintf("%s-issue-%d", run, i+1), issueOpened(run, i+1)).WorkflowID
		}
	}
	commentsMade := func() (n int) {
		for i := range issues {
			n += len(s.down.github.Comments("acme", run, i+1))
		}
		return n
	}
	// Each kill lands right after a GitHub comment or a Slack message was
	// made, while its answer is held, so the retries must find them.
	for k := range kills {
		time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
		provider := []string{"github", "slack"}[k%2]
		waitHeld(t, held, provider, 30*time.Second)
		w.kill()
		t.Logf("worker killed during a %s write, with %d of %d Slack posts and %d of %d GitHub comments made",
			provider, len(s.down.slack.Messages("#payments")), payments+issues, commentsMade(), issues)
		w = s.worker(t)
	}
	ids := append([]string(nil), issueIDs...)
	for _, p := range pays {
		ids = append(ids, p.wid)
	}
	// A killed activity is retried after its 30 s start-to-close timeout.
	s.waitCompleted(t, ids, 4*time.Minute)
	for _, p := range pays {
		deals := s.down.deals(p.pi)
		require.Len(t, deals, 1, "deals for %s", p.pi)
		require.Equal(t, "closedwon", deals[0].Properties["dealstage"])
		require.Len(t, s.down.contacts(p.email), 1, "contacts for %s", p.email)
		require.Equal(t, 1, s.down.slackMentions(p.pi), "Slack messages about %s", p.pi)
	}
	for i, wid := range issueIDs {
		n := i + 1
		ref := fmt.Sprintf("acme/%s#%d", run, n)
		require.Len(t, s.down.tickets(ref), 1, "CRM tickets for %s", ref)
		comments := s.down.github.Comments("acme", run, n)
		require.Len(t, comments, 1, "GitHub comments on %s", ref)
		require.Contains(t, comments[0].Body, wid, "the comment on %s carries its event's marker", ref)
		require.Equal(t, 1, s.down.slackMentions(ref+" opened"), "Slack messages about %s", ref)
	}
	// The kills hit the window between a side effect and its report: some
	// activity found its earlier comment or message instead of making another.
	var foundComments, foundMessages int
	for _, wid := range issueIDs {
		var res workflows.GitHubIssueResult
		require.NoError(t, s.c.GetWorkflow(t.Context(), wid, "").Get(t.Context(), &res))
		foundComments += count(res.Comment.Existing)
		foundMessages += count(res.Slack.Existing)
	}
	for _, p := range pays {
		var res workflows.StripePaymentResult
		require.NoError(t, s.c.GetWorkflow(t.Context(), p.wid, "").Get(t.Context(), &res))
		foundMessages += count(res.Sync.Slack.Existing)
	}
	t.Logf("made before a kill and found by the retry: %d GitHub comments, %d Slack messages", foundComments, foundMessages)
	require.Positive(t, foundComments, "no retry found an earlier comment: the kill missed the window")
	require.Positive(t, foundMessages, "no retry found an earlier Slack message: the kill missed the window")
	runs := runsWhere(t, s.c, `WebhookSource = "stripe" OR WebhookSource = "github"`)
	for _, id := range ids {
		require.Equal(t, 1, runs[id], "runs of %s", id)
	}
	figures(t, len(ids), len(ids), len(runs), totalRuns(runs))
}

// Payment, refund and customer update arrive in every order. Each workflow
// reads Stripe's current state, so the CRM always ends as Stripe says: one
// contact with the customer's name, one deal in the refunded stage.
func TestOutOfOrderEndsInStripeState(t *testing.T) {
	track(t)
	s := newStack(t)
	s.worker(t)
	perms := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	var sent int
	var ids []string
	for n, perm := range perms {
		suffix := fmt.Sprintf("ooo%d_%d", time.Now().UnixNano(), n)
		pi, ch, cus, email := s.down.putPayment(suffix, true)
		bodies := [3][]byte{
			eventBody("evt_p_"+suffix, "payment_intent.succeeded", pi, "payment_intent"),
			eventBody("evt_r_"+suffix, "charge.refunded", ch, "charge"),
			eventBody("evt_c_"+suffix, "customer.updated", cus, "customer"),
		}
		for _, k := range perm {
			a := s.post(t, bodies[k])
			sent++
			ids = append(ids, a.WorkflowID)
			s.waitCompleted(t, []string{a.WorkflowID}, time.Minute)
		}
		deals := s.down.deals(pi)
		require.Len(t, deals, 1, "permutation %v", perm)
		require.Equal(t, "closedlost", deals[0].Properties["dealstage"], "permutation %v: Stripe reports the charge refunded", perm)
		contacts := s.down.contacts(email)
		require.Len(t, contacts, 1, "permutation %v", perm)
		require.Equal(t, "Ada", contacts[0].Properties["firstname"], "permutation %v", perm)
		require.Equal(t, "Lovelace", contacts[0].Properties["lastname"], "permutation %v", perm)
	}
	runs := executions(t, s.c)
	figures(t, sent, sent, len(ids), totalRuns(runs))
}

// The CRM answers 500 to everything for a minute. No workflow fails or gives
// up meanwhile; retries back off instead of hammering it; once it is back,
// every workflow completes with one deal per payment.
func TestCRMOutage(t *testing.T) {
	track(t)
	const events = 10
	outage := time.Minute
	s := newStack(t)
	s.down.hubspot.FailNext(1 << 30)
	s.worker(t)
	run := fmt.Sprintf("out%d", time.Now().UnixNano())
	pis := make([]string, events)
	ids := make([]string, events)
	for i := range events {
		pis[i], _, _, _ = s.down.putPayment(fmt.Sprintf("%s_%03d", run, i), false)
		ids[i] = s.post(t, eventBody(fmt.Sprintf("evt_%s_%d", run, i), "payment_intent.succeeded", pis[i], "payment_intent")).WorkflowID
	}
	time.Sleep(outage)
	during := len(s.down.hubspot.Arrivals())
	for _, id := range ids {
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, s.status(t, id), "%s during the outage", id)
	}
	s.down.hubspot.FailNext(0)
	t.Logf("%d CRM calls during the %s outage for %d workflows", during, outage, events)
	// Backoff from 1 s doubling: attempts at about 0, 1, 3, 7, 15, 31 s, so the
	// second half of the outage sees far fewer calls than the first.
	arrivals := s.down.hubspot.Arrivals()
	require.NotEmpty(t, arrivals)
	var first, second int
	for _, a := range arrivals {
		if a.Sub(arrivals[0]) < outage/2 {
			first++
		} else {
			second++
		}
	}
	t.Logf("CRM calls in the first half of the outage %d, second half %d", first, second)
	require.Less(t, second, first/2, "retries must back off")
	s.waitCompleted(t, ids, 3*time.Minute)
	for _, pi := range pis {
		deals := s.down.deals(pi)
		require.Len(t, deals, 1, pi)
		require.Equal(t, "closedwon", deals[0].Properties["dealstage"])
	}
	runs := executions(t, s.c)
	figures(t, events, events, events, totalRuns(runs))
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}
