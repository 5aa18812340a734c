package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchyard/switchyard/ingress"
)

const e2eAPIToken = "e2e-api-token"

// apiGet calls the read API of srv with the bearer token.
func apiGet(t *testing.T, srv *httptest.Server, path string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e2eAPIToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return resp.StatusCode, out
}

func TestStatusAPIAgainstTemporal(t *testing.T) {
	cfg := stack.cfg
	cfg.APIToken = e2eAPIToken
	h, err := ingress.FromConfig(cfg, ingress.TemporalStarter{Client: stack.client}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	// One event that completes, one whose payload has no object ID (the
	// workflow fails it as malformed).
	okID := fmt.Sprintf("evt_status_ok_%d", time.Now().UnixNano())
	require.Equal(t, http.StatusOK, postStripe(t, srv.URL, stripePayload(okID, "pi_status")).Status)
	badID := fmt.Sprintf("evt_status_bad_%d", time.Now().UnixNano())
	bad := []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","created":%d,"data":{"object":{"object":"payment_intent"}}}`, badID, time.Now().Unix()))
	require.Equal(t, http.StatusOK, postStripe(t, srv.URL, bad).Status)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, "stripe:"+okID))
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, waitClosed(t, "stripe:"+badID))

	code, ev := apiGet(t, srv, "/v1/events/stripe/"+badID)
	require.Equal(t, http.StatusOK, code, ev)
	assert.Equal(t, "failed", ev["status"])
	assert.Equal(t, "stripe:"+badID, ev["workflow_id"])
	assert.Equal(t, badID, ev["id"])
	assert.Equal(t, "payment_intent.succeeded", ev["type"])
	assert.Contains(t, ev["failure"], "has no data.object.id")
	assert.NotEmpty(t, ev["run_id"])
	assert.NotNil(t, ev["closed_at"])

	code, ev = apiGet(t, srv, "/v1/events/stripe/"+okID)
	require.Equal(t, http.StatusOK, code, ev)
	assert.Equal(t, "completed", ev["status"])
	assert.Empty(t, ev["failure"])

	code, _ = apiGet(t, srv, "/v1/events/stripe/evt_never_sent")
	assert.Equal(t, http.StatusNotFound, code)

	// The listing goes through visibility, which is eventually consistent.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		code, out := apiGet(t, srv, "/v1/events?source=stripe&status=failed&type=payment_intent.succeeded")
		require.Equal(c, http.StatusOK, code, out)
		assert.Contains(c, ids(out), "stripe:"+badID)
		assert.NotContains(c, ids(out), "stripe:"+okID)
	}, 20*time.Second, 200*time.Millisecond)

	// Paging: limit=1 walks every Stripe event one by one, each once.
	seen := map[string]int{}
	path := "/v1/events?source=stripe&limit=1"
	for pages := 0; pages < 500; pages++ {
		code, out := apiGet(t, srv, path)
		require.Equal(t, http.StatusOK, code, out)
		require.LessOrEqual(t, len(ids(out)), 1)
		for _, id := range ids(out) {
			seen[id]++
		}
		tok, ok := out["next_page_token"].(string)
		if !ok {
			break
		}
		path = "/v1/events?source=stripe&limit=1&page_token=" + tok
	}
	assert.Equal(t, 1, seen["stripe:"+badID])
	assert.Equal(t, 1, seen["stripe:"+okID])

	code, _ = apiGet(t, srv, "/v1/events?page_token=bm90LWEtdG9rZW4")
	assert.Equal(t, http.StatusBadRequest, code, "Temporal rejects a forged page token")
}

func ids(out map[string]any) []string {
	var ids []string
	evs, _ := out["events"].([]any)
	for _, e := range evs {
		ids = append(ids, e.(map[string]any)["workflow_id"].(string))
	}
	return ids
}
