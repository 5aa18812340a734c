//go:build chaos

package chaos

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/internal/fakes"
	"github.com/switchyard/switchyard/internal/testenv"
)

const (
	hubspotToken = "pat-na1-chaos-token"
	slackToken   = "xoxb-chaos-token"
	githubToken  = "ghp_chaos_token"
)

// downstream is the providers a worker talks to: the Stripe fake (objects a
// test sets, the rest from stripe-mock), HubSpot, Slack and GitHub fakes, all
// in this test process, which the worker process reaches over loopback.
type downstream struct {
	stripe  *fakes.Stripe
	hubspot *fakes.HubSpot
	slack   *fakes.Slack
	github  *fakes.GitHub
	env     []string // the worker's environment for them
}

func newDownstream(t *testing.T) *downstream {
	t.Helper()
	mockURL, stop, err := testenv.StripeMock()
	require.NoError(t, err)
	t.Cleanup(stop)
	d := &downstream{hubspot: fakes.NewHubSpot(hubspotToken), slack: fakes.NewSlack(slackToken), github: fakes.NewGitHub(githubToken)}
	d.stripe, err = fakes.NewStripe(mockURL)
	require.NoError(t, err)
	t.Cleanup(d.stripe.Close)
	t.Cleanup(d.hubspot.Close)
	t.Cleanup(d.slack.Close)
	t.Cleanup(d.github.Close)
	d.env = []string{
		"STRIPE_API_KEY=sk_test_chaos", "STRIPE_API_BASE=" + d.stripe.URL,
		"HUBSPOT_TOKEN=" + hubspotToken, "HUBSPOT_API_URL=" + d.hubspot.URL,
		"SLACK_BOT_TOKEN=" + slackToken, "SLACK_API_URL=" + d.slack.APIURL(), "SLACK_CHANNEL=#payments",
		"GITHUB_TOKEN=" + githubToken, "GITHUB_API_URL=" + d.github.URL,
		"SWITCHYARD_RATE_STRIPE=200", "SWITCHYARD_RATE_CRM=200", "SWITCHYARD_RATE_SLACK=200", "SWITCHYARD_RATE_GITHUB=200",
	}
	return d
}

// putPayment stores a succeeded PaymentIntent with its customer and charge;
// refunded says whether Stripe reports the charge refunded.
func (d *downstream) putPayment(suffix string, refunded bool) (pi, ch, cus, email string) {
	pi, ch, cus, email = "pi_"+suffix, "ch_"+suffix, "cus_"+suffix, suffix+"@example.com"
	d.stripe.Put(map[string]any{"id": cus, "object": "customer", "email": email, "name": "Ada Lovelace"})
	d.stripe.Put(map[string]any{"id": ch, "object": "charge", "amount": 2500, "currency": "eur", "status": "succeeded",
		"refunded": refunded, "amount_refunded": map[bool]int{true: 2500}[refunded], "payment_intent": pi, "customer": cus})
	d.stripe.Put(map[string]any{"id": pi, "object": "payment_intent", "status": "succeeded", "amount": 2500,
		"amount_received": 2500, "currency": "eur", "customer": cus, "latest_charge": ch})
	return pi, ch, cus, email
}

func (d *downstream) deals(pi string) []fakes.HubSpotObject {
	return d.hubspot.Where("deals", "switchyard_external_id", pi)
}

func (d *downstream) contacts(email string) []fakes.HubSpotObject {
	return d.hubspot.Where("contacts", "email", email)
}

// tickets are the CRM tickets whose subject is about ref ("owner/repo#n").
func (d *downstream) tickets(ref string) []fakes.HubSpotObject {
	var out []fakes.HubSpotObject
	for _, o := range d.hubspot.Objects("tickets") {
		if strings.HasPrefix(o.Properties["subject"], ref+": ") {
			out = append(out, o)
		}
	}
	return out
}

func (d *downstream) slackMentions(s string) int {
	n := 0
	for _, m := range d.slack.Messages("#payments") {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

func eventBody(eventID, typ, objectID, object string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"api_version":"2020-08-27","created":%d,`+
		`"livemode":false,"data":{"object":{"id":%q,"object":%q}}}`, eventID, typ, time.Now().Unix(), objectID, object))
}

// stack is Temporal, an ingress and the downstream fakes; workers are the test's.
type stack struct {
	srv  string
	c    client.Client
	base string
	down *downstream
}

func newStack(t *testing.T) *stack {
	t.Helper()
	srv := temporal(t, "", 0)
	addr := freeAddr(t)
	s := &stack{srv: srv.Address, c: dial(t, srv.Address), base: "http://" + addr, down: newDownstream(t)}
	switchyard(t, "ingress", srv.Address, addr)
	waitReady(t, s.base)
	return s
}

func (s *stack) worker(t *testing.T) *proc {
	return switchyard(t, "worker", s.srv, freeAddr(t), s.down.env...)
}

func (s *stack) post(t *testing.T, body []byte) answer {
	t.Helper()
	a, err := deliverBody(s.base, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	return a
}

// postGitHub delivers one GitHub event and requires a 2xx that started a workflow.
func (s *stack) postGitHub(t *testing.T, event, delivery string, body []byte) answer {
	t.Helper()
	a, err := deliverGitHub(s.base, event, delivery, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	require.NotEmpty(t, a.WorkflowID, "%s delivery %s started no workflow", event, delivery)
	return a
}

// issueOpened is an `issues` delivery body: issue n of acme/repo opened.
func issueOpened(repo string, n int) []byte {
	return []byte(fmt.Sprintf(`{"action":"opened","issue":{"number":%d,"title":"Chaos issue %d",`+
		`"html_url":"https://github.com/acme/%s/issues/%d"},`+
		`"repository":{"name":%q,"full_name":"acme/%s","owner":{"login":"acme"}}}`, n, n, repo, n, repo, repo))
}

// status is the workflow's current status.
func (s *stack) status(t *testing.T, workflowID string) enumspb.WorkflowExecutionStatus {
	d, err := s.c.DescribeWorkflowExecution(t.Context(), workflowID, "")
	require.NoError(t, err)
	return d.GetWorkflowExecutionInfo().GetStatus()
}

// waitCompleted waits for every workflow to close and requires each to have completed.
func (s *stack) waitCompleted(t *testing.T, ids []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, id := range ids {
		for s.status(t, id) == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			require.True(t, time.Now().Before(deadline), "workflow %s still running", id)
			time.Sleep(200 * time.Millisecond)
		}
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, s.status(t, id), id)
	}
}
