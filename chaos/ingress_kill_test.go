//go:build chaos

package chaos

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

// The ingress is SIGKILLed at a random point under load. Every event that
// got a 2xx must have exactly one workflow, and re-sending every event to a
// new ingress must start nothing for the acknowledged ones.
func TestIngressKilledUnderLoad(t *testing.T) {
	track(t)
	const events, conc = 2000, 16
	srv := temporal(t, "", 0)
	c := dial(t, srv.Address)
	addr := freeAddr(t)
	base := "http://" + addr
	ing := switchyard(t, "ingress", srv.Address, addr)
	waitReady(t, base)

	run := fmt.Sprintf("kill%d", time.Now().UnixNano())
	ids := make([]string, events)
	for i := range ids {
		ids[i] = fmt.Sprintf("evt_%s_%d", run, i)
	}
	acked := make([]answer, events)
	var next int
	var ackCount atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= events {
					return
				}
				a, err := deliver(base, ids[i])
				if err == nil && a.acked() {
					acked[i] = a
					ackCount.Add(1)
				}
			}
		}()
	}
	// Kill once a random 20–80% of the events are acknowledged: a moment
	// chosen by progress, not by the clock, so it falls mid-run however
	// fast this machine's Temporal starts workflows.
	killAt := int64(events/5 + rand.IntN(events*3/5))
	for deadline := time.Now().Add(2 * time.Minute); ackCount.Load() < killAt; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d events acknowledged after 2 minutes", ackCount.Load(), killAt)
		}
	}
	ing.kill()
	wg.Wait()

	var ackedN int
	for _, a := range acked {
		if a.acked() {
			ackedN++
		}
	}
	t.Logf("killed after %d of %d events were acknowledged", ackedN, events)
	require.Positive(t, ackedN, "the kill came before any event was acknowledged")
	require.Less(t, ackedN, events, "the kill came after every event was acknowledged")

	runs := settledExecutions(t, c, ackedN)
	for i, a := range acked {
		if a.acked() {
			require.Equal(t, 1, runs[ingress.StripeWorkflowID(ids[i])], "acknowledged event %s", ids[i])
		}
	}
	found := len(runs)

	// Redeliver everything, as Stripe would for the unanswered ones and may for the rest.
	addr2 := freeAddr(t)
	base2 := "http://" + addr2
	switchyard(t, "ingress", srv.Address, addr2)
	waitReady(t, base2)
	work := make(chan int)
	errs := make(chan error, events)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				a, err := deliver(base2, ids[i])
				switch {
				case err != nil:
					errs <- err
				case !a.acked():
					errs <- fmt.Errorf("%s: status %d %s", ids[i], a.Status, a.Error)
				case acked[i].acked() && (!a.Duplicate || a.RunID != acked[i].RunID):
					errs <- fmt.Errorf("%s: acknowledged before, now duplicate=%v run %s (was %s)", ids[i], a.Duplicate, a.RunID, acked[i].RunID)
				}
			}
		}()
	}
	for i := range ids {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	after := settledExecutions(t, c, events)
	require.Len(t, after, events)
	require.Equal(t, events, totalRuns(after), "some event has more than one execution")
	figures(t, events, ackedN, found, totalRuns(after))
}
