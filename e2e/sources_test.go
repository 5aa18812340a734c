package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// The sources are routed by a configuration file to workflow types that
// only this file's worker registers, on its own task queue: the ingress
// starts workflows by name, whoever runs them. The workflows echo their
// input and complete at once, so no external API is involved.
const (
	sourcesQueue = "e2e-sources"
	acmeNew      = "whsec_bmV3LWFjbWUtc2lnbmluZy1rZXktMjAyNg=="
	acmeOld      = "whsec_b2xkLWFjbWUtc2lnbmluZy1rZXktMjAyNQ=="
)

const sourcesYAML = `
sources:
  - {name: hubspot, scheme: hubspot, secret_env: E2E_HUBSPOT}
  - {name: slack,   scheme: slack,   secret_env: E2E_SLACK}
  - {name: shopify, scheme: shopify, secret_env: E2E_SHOPIFY}
  - name: acme                      # defined only here
    scheme: standard-webhooks
    secret_env: E2E_ACME            # new secret, then the one being retired
routes:
  - {source: hubspot, event_type: "contact.*",   workflow: E2EHubSpotContact, task_queue: e2e-sources}
  - {source: slack,   event_type: app_mention,   workflow: E2ESlackMention,   task_queue: e2e-sources}
  - {source: shopify, event_type: "orders/*",    workflow: E2EShopifyOrder,   task_queue: e2e-sources}
  - {source: acme,    event_type: "invoice.*",   workflow: E2EAcmeInvoice,    task_queue: e2e-sources}
`

// echo is the test workflow: it returns its input.
func echo(_ workflow.Context, in workflows.EventInput) (workflows.EventInput, error) { return in, nil }

// configuredIngress serves the ingress built from sourcesYAML (loaded the way
// `switchyard ingress` loads it) and runs a worker for its workflow types.
func configuredIngress(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "switchyard.yaml")
	require.NoError(t, os.WriteFile(path, []byte(sourcesYAML), 0o600))
	env := map[string]string{
		"SWITCHYARD_CONFIG": path, "E2E_HUBSPOT": hubspotSecret, "E2E_SLACK": slackSecret,
		"E2E_SHOPIFY": shopifySecret, "E2E_ACME": acmeNew + "," + acmeOld, "SWITCHYARD_START_TIMEOUT": "20s",
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	require.NoError(t, err)

	w := sdkworker.New(stack.client, sourcesQueue, sdkworker.Options{})
	for _, name := range []string{"E2EHubSpotContact", "E2ESlackMention", "E2EShopifyOrder", "E2EAcmeInvoice"} {
		w.RegisterWorkflowWithOptions(echo, workflow.RegisterOptions{Name: name})
	}
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	h, err := ingress.FromConfig(cfg, ingress.TemporalStarter{Client: stack.client}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func mac(secret string, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

func hubspotBatch(ids []int64) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventId":%d,"subscriptionId":7,"portalId":62515,"appId":1160452,"occurredAt":%d,`+
			`"subscriptionType":"contact.creation","attemptNumber":0,"objectId":%d,"changeSource":"CRM"}`, id, time.Now().UnixMilli(), id+1)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// postHubSpot signs as HubSpot does: v3 over method, the URL it calls, body and ms timestamp.
func postHubSpot(t *testing.T, base string, body []byte) (int, []byte) {
	t.Helper()
	url := base + "/v1/webhooks/hubspot"
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	req.Header.Set("X-HubSpot-Signature-v3", base64.StdEncoding.EncodeToString(mac(hubspotSecret, []byte("POST"), []byte(url), body, []byte(ts))))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}

// deliverHubSpot posts a batch until it is accepted, as HubSpot does: a 503
// (some start did not fit in the 4 s HubSpot allows, on a busy machine)
// means "resend the batch", and the events already started then dedupe.
func deliverHubSpot(t *testing.T, base string, body []byte) []answer {
	t.Helper()
	var out struct {
		Events []answer `json:"events"`
	}
	for attempt := 1; ; attempt++ {
		status, raw := postHubSpot(t, base, body)
		if status == http.StatusServiceUnavailable && attempt < 5 {
			t.Logf("attempt %d: 503, resending the batch", attempt)
			continue
		}
		require.Equal(t, http.StatusOK, status, string(raw))
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		return out.Events
	}
}

// visible counts executions matching a visibility query (eventually consistent).
func visible(t *testing.T, query string) int64 {
	resp, err := stack.client.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
	require.NoError(t, err)
	return resp.GetCount()
}

// A batch of 100 HubSpot events, 10 of them duplicates of an earlier batch,
// makes 100 workflows in all: one per event ID.
func TestHubSpotBatchStartsOneWorkflowPerEvent(t *testing.T) {
	base := configuredIngress(t)
	first := time.Now().UnixNano() / 1000 // unique event IDs per run
	var earlier, batch []int64
	for i := range int64(10) {
		earlier = append(earlier, first+i)
	}
	batch = append(batch, earlier...) // the 10 duplicates
	for i := int64(10); i < 100; i++ {
		batch = append(batch, first+i)
	}

	deliverHubSpot(t, base, hubspotBatch(earlier))
	results := deliverHubSpot(t, base, hubspotBatch(batch))
	require.Len(t, results, 100)
	for i, r := range results {
		assert.Equal(t, "hubspot:"+strconv.FormatInt(batch[i], 10), r.WorkflowID)
		if i < 10 {
			assert.True(t, r.Duplicate, "event %d was started by the earlier batch", batch[i])
		}
	}

	query := `WorkflowType = "E2EHubSpotContact"`
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, int64(100), visible(t, query))
		assert.Equal(c, int64(100), visible(t, query+` AND ExecutionStatus = "Completed"`))
	}, 60*time.Second, 500*time.Millisecond, "100 unique workflows, all completed")

	ids := map[string]bool{}
	var token []byte
	for {
		resp, err := stack.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 100, NextPageToken: token})
		require.NoError(t, err)
		for _, e := range resp.GetExecutions() {
			assert.False(t, ids[e.GetExecution().GetWorkflowId()], "a second execution for %s", e.GetExecution().GetWorkflowId())
			ids[e.GetExecution().GetWorkflowId()] = true
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	for _, id := range batch {
		assert.True(t, ids["hubspot:"+strconv.FormatInt(id, 10)], "event %d has its workflow", id)
	}
}

func TestSlackEventAndRetryRunOnce(t *testing.T) {
	base := configuredIngress(t)
	eventID := fmt.Sprintf("Ev%d", time.Now().UnixNano())
	body := []byte(`{"token":"legacy-token","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"` + eventID +
		`","event_time":1700000000,"event":{"type":"app_mention","user":"U1","text":"<@U0> deploy","channel":"C42"}}`)
	send := func(retry string) answer {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		h := map[string]string{
			"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
			"X-Slack-Signature": "v0=" + hex.EncodeToString(mac(slackSecret, []byte("v0:"+ts+":"), body)),
		}
		if retry != "" {
			h["X-Slack-Retry-Num"], h["X-Slack-Retry-Reason"] = retry, "http_timeout"
		}
		return post(t, base+"/v1/webhooks/slack", body, h)
	}
	first := send("")
	require.Equal(t, http.StatusOK, first.Status, first.Error)
	assert.Equal(t, "slack:"+eventID, first.WorkflowID)
	retry := send("1")
	require.Equal(t, http.StatusOK, retry.Status, retry.Error)
	assert.True(t, retry.Duplicate, "a retry of a known event is a duplicate")
	assert.Equal(t, first.RunID, retry.RunID)

	in := result(t, first.WorkflowID)
	assert.Equal(t, "app_mention", in.Type)
	assert.Equal(t, "C42", in.ObjectID)
	assert.NotContains(t, string(in.Payload), "legacy-token", "the legacy token is not in the workflow input")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, int64(1), executions(t, first.WorkflowID))
	}, 20*time.Second, 200*time.Millisecond)
}

func TestShopifyOrderKeepsDeliveryHeaders(t *testing.T) {
	base := configuredIngress(t)
	eventID := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	body := []byte(`{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","name":"#1001"}`)
	a := post(t, base+"/v1/webhooks/shopify", body, map[string]string{
		"Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": eventID,
		"X-Shopify-Webhook-Id": "wh-1", "X-Shopify-Triggered-At": "2026-12-04T10:00:00Z",
		"X-Shopify-Hmac-Sha256": base64.StdEncoding.EncodeToString(mac(shopifySecret, body)),
	})
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	assert.Equal(t, "shopify:"+eventID, a.WorkflowID)
	in := result(t, a.WorkflowID)
	assert.Equal(t, "orders/create", in.Type)
	assert.Equal(t, "wh-1", in.Meta["webhook_id"])
	assert.Equal(t, "2026-12-04T10:00:00Z", in.Meta["triggered_at"])
}

// A sender the configuration file alone declares, signing with the secret
// being retired (the receiver lists new,old), starts the workflow type the
// file routes it to.
func TestStandardWebhooksSourceFromConfigFile(t *testing.T) {
	base := configuredIngress(t)
	msgID := fmt.Sprintf("msg_%d", time.Now().UnixNano())
	body := []byte(`{"type":"invoice.paid","timestamp":"2026-12-04T10:00:00Z","data":{"id":"inv_77","amount":1200}}`)
	old, err := standardwebhooks.NewWebhook(acmeOld)
	require.NoError(t, err)
	now := time.Now()
	sig, err := old.Sign(msgID, now, body)
	require.NoError(t, err)
	headers := map[string]string{
		"Content-Type": "application/json", "webhook-id": msgID,
		"webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": sig,
	}
	a := post(t, base+"/v1/webhooks/acme", body, headers)
	require.Equal(t, http.StatusOK, a.Status, a.Error)
	assert.Equal(t, "acme:"+msgID, a.WorkflowID)

	d, err := stack.client.DescribeWorkflowExecution(context.Background(), a.WorkflowID, "")
	require.NoError(t, err)
	assert.Equal(t, "E2EAcmeInvoice", d.GetWorkflowExecutionInfo().GetType().GetName())
	assert.Equal(t, sourcesQueue, d.GetWorkflowExecutionInfo().GetTaskQueue())
	in := result(t, a.WorkflowID)
	assert.Equal(t, "acme", in.Source)
	assert.Equal(t, "invoice.paid", in.Type)
	assert.Equal(t, "inv_77", in.ObjectID)

	headers["webhook-signature"] = "v1,Zm9yZ2VkIHNpZ25hdHVyZSBvZiB0aGUgcmlnaHQgbGVuZ3RoIQ=="
	forged := post(t, base+"/v1/webhooks/acme", body, headers)
	assert.Equal(t, http.StatusUnauthorized, forged.Status)
	a = post(t, stack.ingress.URL+"/v1/webhooks/acme", body, headers)
	assert.Equal(t, http.StatusNotFound, a.Status, "without the file, acme is not a source")
}

// Without a file, the environment's secrets enable the new providers.
func TestEnvironmentEnablesSlack(t *testing.T) {
	body := []byte(`{"token":"t","challenge":"e2e-challenge","type":"url_verification"}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, stack.ingress.URL+"/v1/webhooks/slack", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac(slackSecret, []byte("v0:"+ts+":"), body)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, out.String())
	assert.JSONEq(t, `{"challenge":"e2e-challenge"}`, out.String())
}

// result waits for the echo workflow and returns the input it received.
func result(t *testing.T, workflowID string) workflows.EventInput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var in workflows.EventInput
	require.NoError(t, stack.client.GetWorkflow(ctx, workflowID, "").Get(ctx, &in))
	return in
}
