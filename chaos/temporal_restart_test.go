//go:build chaos

package chaos

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

// The Temporal dev server (file database) is SIGKILLed and restarted. While
// it is down the ingress answers 503 with Retry-After and /readyz fails; no
// event gets a 2xx it did not durably record; service resumes once Temporal
// is back, and every acknowledged event survived the crash.
func TestTemporalKilledAndRestarted(t *testing.T) {
	track(t)
	db := filepath.Join(t.TempDir(), "temporal.db")
	srv := temporal(t, db, 0)
	_, portStr, _ := splitHostPort(srv.Address)
	port, _ := strconv.Atoi(portStr)
	addr := freeAddr(t)
	base := "http://" + addr
	switchyard(t, "ingress", srv.Address, addr, "SWITCHYARD_START_TIMEOUT=3s")
	waitReady(t, base)

	run := fmt.Sprintf("restart%d", time.Now().UnixNano())
	var sent, ackedN int
	acked := map[string]answer{}
	send := func(id string) answer {
		a, err := deliver(base, id)
		require.NoError(t, err)
		sent++
		if a.acked() {
			ackedN++
			acked[id] = a
		}
		return a
	}
	for i := range 30 {
		a := send(fmt.Sprintf("evt_%s_before_%d", run, i))
		require.Equal(t, http.StatusOK, a.Status, a.Error)
	}

	require.NoError(t, srv.Kill())
	// Each of these waits out SWITCHYARD_START_TIMEOUT, so they go in parallel.
	down := make([]string, 10)
	answers := make([]answer, len(down))
	errs := make([]error, len(down))
	var wg sync.WaitGroup
	for i := range down {
		down[i] = fmt.Sprintf("evt_%s_down_%d", run, i)
		wg.Add(1)
		go func() { defer wg.Done(); answers[i], errs[i] = deliver(base, down[i]) }()
	}
	wg.Wait()
	for i, a := range answers {
		require.NoError(t, errs[i])
		sent++
		require.Equal(t, http.StatusServiceUnavailable, a.Status, "event %s while Temporal is down: %+v", down[i], a)
		require.NotEmpty(t, a.RetryAfter)
	}
	require.Equal(t, http.StatusServiceUnavailable, readyz(base))

	restarted := temporal(t, db, port)
	require.Eventually(t, func() bool { return readyz(base) == http.StatusOK }, 60*time.Second, 100*time.Millisecond)
	resumed := time.Now()
	// Stripe redelivers what got a 503.
	require.Eventually(t, func() bool {
		a, err := deliver(base, down[0])
		return err == nil && a.Status == http.StatusOK
	}, 30*time.Second, 200*time.Millisecond)
	t.Logf("service resumed %s after /readyz passed", time.Since(resumed).Round(time.Millisecond))
	for _, id := range down {
		a := send(id)
		require.Equal(t, http.StatusOK, a.Status, a.Error)
	}
	for i := range 10 {
		a := send(fmt.Sprintf("evt_%s_after_%d", run, i))
		require.Equal(t, http.StatusOK, a.Status, a.Error)
	}

	c := dial(t, restarted.Address)
	runs := settledExecutions(t, c, len(acked))
	for id, a := range acked {
		require.Equal(t, 1, runs[ingress.StripeWorkflowID(id)], "acknowledged event %s", id)
		d, err := c.DescribeWorkflowExecution(t.Context(), a.WorkflowID, "")
		require.NoError(t, err)
		require.Equal(t, a.RunID, d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), "event %s", id)
	}
	require.Len(t, runs, len(acked))
	require.Equal(t, len(acked), totalRuns(runs))
	figures(t, sent, ackedN, len(runs), totalRuns(runs))
}
