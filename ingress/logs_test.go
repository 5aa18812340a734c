package ingress_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// syncBuffer is a log sink safe for the handler's parallel starts.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		out = append(out, m)
	}
	return out
}

// TestEveryEventLogLineCarriesWorkflowID: accepted, duplicate, ignored and
// start-failed events all name their workflow; no line carries a secret.
func TestEveryEventLogLineCarriesWorkflowID(t *testing.T) {
	var sink syncBuffer
	st := newFakeStarter()
	stripeSrc, err := ingress.NewStripe([]string{stripeSecret})
	require.NoError(t, err)
	githubSrc, err := ingress.NewGitHub([]string{githubSecret})
	require.NoError(t, err)
	h, err := ingress.NewHandler(ingress.Deps{
		Endpoints: []ingress.Endpoint{{Source: stripeSrc, BodyLimit: 1 << 20}, {Source: githubSrc, BodyLimit: 1 << 20}},
		Routes:    workflows.DefaultRoutes(), Starter: st,
		Logger: slog.New(slog.NewJSONHandler(&sink, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)

	w, _ := serve(h, signedStripe(stripeEvent("evt_log_1"), stripeSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	w, _ = serve(h, signedStripe(stripeEvent("evt_log_1"), stripeSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	ignored := bytes.Replace(stripeEvent("evt_log_2"), []byte("payment_intent.succeeded"), []byte("invoice.paid"), 1)
	w, _ = serve(h, signedStripe(ignored, stripeSecret, time.Now()))
	require.Equal(t, http.StatusOK, w.Code)
	w, _ = serve(h, signedGitHub("issues", []byte(issueOpened), githubSecret))
	require.Equal(t, http.StatusOK, w.Code)
	st.failErr = fmt.Errorf("%w: connection refused", ingress.ErrUnavailable)
	w, _ = serve(h, signedStripe(stripeEvent("evt_log_3"), stripeSecret, time.Now()))
	require.Equal(t, http.StatusServiceUnavailable, w.Code)

	lines := sink.lines(t)
	require.Len(t, lines, 5)
	want := []string{"stripe:evt_log_1", "stripe:evt_log_1", "stripe:evt_log_2", "", "stripe:evt_log_3"}
	for i, l := range lines {
		id, _ := l["workflow_id"].(string)
		if want[i] == "" {
			assert.True(t, strings.HasPrefix(id, "github:"), "line %d: %v", i, l)
		} else {
			assert.Equal(t, want[i], id, "line %d: %v", i, l)
		}
		raw, _ := json.Marshal(l)
		assert.NotContains(t, string(raw), stripeSecret)
		assert.NotContains(t, string(raw), githubSecret)
	}
	assert.Equal(t, "webhook rejected", lines[4]["msg"])
}
