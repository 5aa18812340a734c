//go:build chaos

package chaos

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

// 1,000 events, each delivered 10 times, all concurrently in random order:
// exactly 1,000 executions, every answer 2xx, and for each event exactly one
// answer says duplicate:false and all ten name the same run.
func TestDuplicateStorm(t *testing.T) {
	track(t)
	const events, copies, conc = 1000, 10, 48
	srv := temporal(t, "", 0)
	c := dial(t, srv.Address)
	addr := freeAddr(t)
	base := "http://" + addr
	switchyard(t, "ingress", srv.Address, addr)
	waitReady(t, base)

	run := fmt.Sprintf("storm%d", time.Now().UnixNano())
	deliveries := make([]int, 0, events*copies)
	for i := range events {
		for range copies {
			deliveries = append(deliveries, i)
		}
	}
	rand.Shuffle(len(deliveries), func(a, b int) { deliveries[a], deliveries[b] = deliveries[b], deliveries[a] })

	type outcome struct {
		fresh int
		runs  map[string]bool
	}
	var mu sync.Mutex
	outcomes := make([]outcome, events)
	var failures []string
	work := make(chan int)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				a, err := deliver(base, fmt.Sprintf("evt_%s_%d", run, i))
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, err.Error())
				case !a.acked():
					failures = append(failures, fmt.Sprintf("status %d: %s", a.Status, a.Error))
				default:
					o := &outcomes[i]
					if o.runs == nil {
						o.runs = map[string]bool{}
					}
					o.runs[a.RunID] = true
					if !a.Duplicate {
						o.fresh++
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range deliveries {
		work <- i
	}
	close(work)
	wg.Wait()
	require.Empty(t, failures, "every delivery must be answered 2xx")
	for i, o := range outcomes {
		require.Equal(t, 1, o.fresh, "event %d: answers with duplicate:false", i)
		require.Len(t, o.runs, 1, "event %d: answers name different runs", i)
	}
	runs := settledExecutions(t, c, events)
	for i := range events {
		require.Equal(t, 1, runs[ingress.StripeWorkflowID(fmt.Sprintf("evt_%s_%d", run, i))])
	}
	require.Len(t, runs, events)
	require.Equal(t, events, totalRuns(runs))
	figures(t, events*copies, events*copies, len(runs), totalRuns(runs))
}
