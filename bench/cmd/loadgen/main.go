// Command loadgen drives load at a Temporal frontend or a Switchyard ingress
// and prints one JSON line of figures. It runs as its own process so its CPU
// is not counted against the ingress it measures.
//
//	loadgen -mode raw     -temporal 127.0.0.1:7233 -c 32 -d 5s      bare SDK StartWorkflow loop
//	loadgen -mode ingress -url http://127.0.0.1:8080 -c 32 -d 5s    signed Stripe webhooks
//	... -rate 50       open loop at a fixed rate instead of closed loop at -c
//	... -dup-of P -dup-n N   re-send the events P-0 … P-(N-1) already started (duplicates)
//	... -wait          also wait for each workflow to complete (end-to-end latency)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one loadgen run prints.
type Result struct {
	Mode     string  `json:"mode"`
	OK       int64   `json:"ok"`
	Errors   int64   `json:"errors"`
	Dups     int64   `json:"duplicates"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"per_sec"`
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
	E2EP50ms float64 `json:"e2e_p50_ms,omitempty"`
	E2EP99ms float64 `json:"e2e_p99_ms,omitempty"`
	FirstErr string  `json:"first_error,omitempty"`
}

type options struct {
	mode, temporal, url, secret, prefix, dupOf string
	conc, dupN                                 int
	dur                                        time.Duration
	rate                                       float64
	size                                       int
	wait                                       bool
}

// sender sends event number i and returns whether it was a duplicate and,
// with -wait, when its workflow completed.
type sender func(ctx context.Context, id string) (dup bool, done time.Time, err error)

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "raw", "raw (SDK StartWorkflow) or ingress (signed webhooks)")
	flag.StringVar(&o.temporal, "temporal", "127.0.0.1:7233", "Temporal frontend host:port")
	flag.StringVar(&o.url, "url", "http://127.0.0.1:8080", "ingress base URL")
	flag.StringVar(&o.secret, "secret", "whsec_bench", "Stripe webhook secret")
	flag.StringVar(&o.prefix, "prefix", fmt.Sprintf("evt_%d", time.Now().UnixNano()), "event ID prefix (unique per run)")
	flag.StringVar(&o.dupOf, "dup-of", "", "prefix of already-started events to re-send")
	flag.IntVar(&o.dupN, "dup-n", 0, "how many of the -dup-of events exist")
	flag.IntVar(&o.conc, "c", 8, "concurrent requests (closed loop)")
	flag.DurationVar(&o.dur, "d", 5*time.Second, "duration")
	flag.Float64Var(&o.rate, "rate", 0, "requests per second (open loop); 0: closed loop at -c")
	flag.IntVar(&o.size, "size", 4096, "approximate event size in bytes")
	flag.BoolVar(&o.wait, "wait", false, "wait for each workflow to complete (end to end)")
	flag.Parse()
	res, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(o options) (Result, error) {
	var send sender
	var closeFn func()
	var err error
	switch o.mode {
	case "raw":
		send, closeFn, err = rawSender(o)
	case "ingress":
		send, closeFn, err = ingressSender(o)
	default:
		return Result{}, fmt.Errorf("unknown mode %q", o.mode)
	}
	if err != nil {
		return Result{}, err
	}
	defer closeFn()

	var (
		next      atomic.Int64
		mu        sync.Mutex
		lat, e2e  []time.Duration
		okN, errN atomic.Int64
		dupN      atomic.Int64
		firstErr  atomic.Value
	)
	nextID := func() string {
		n := next.Add(1) - 1
		if o.dupOf != "" {
			return fmt.Sprintf("%s_%d", o.dupOf, n%int64(o.dupN))
		}
		return fmt.Sprintf("%s_%d", o.prefix, n)
	}
	one := func(ctx context.Context) {
		id := nextID()
		t0 := time.Now()
		dup, done, err := send(ctx, id)
		d := time.Since(t0)
		if err != nil {
			if ctx.Err() == nil {
				errN.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
			return
		}
		okN.Add(1)
		if dup {
			dupN.Add(1)
		}
		mu.Lock()
		lat = append(lat, d)
		if !done.IsZero() {
			e2e = append(e2e, done.Sub(t0))
		}
		mu.Unlock()
	}

	// Requests in flight when the window closes may finish; only the window counts.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	if o.rate > 0 {
		openLoop(ctx, &wg, o, one)
	} else {
		stop := start.Add(o.dur)
		for range o.conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					one(ctx)
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	res := Result{Mode: o.mode, OK: okN.Load(), Errors: errN.Load(), Dups: dupN.Load(), Seconds: elapsed,
		PerSec: float64(okN.Load()) / elapsed}
	res.P50ms, res.P90ms, res.P99ms = pct(lat, 50), pct(lat, 90), pct(lat, 99)
	res.E2EP50ms, res.E2EP99ms = pct(e2e, 50), pct(e2e, 99)
	if v, ok := firstErr.Load().(string); ok {
		res.FirstErr = v
	}
	return res, nil
}

// openLoop sends at a fixed rate for the duration, whatever the latency, so a
// slow answer cannot hide by slowing the sender down.
func openLoop(ctx context.Context, wg *sync.WaitGroup, o options, one func(context.Context)) {
	interval := time.Duration(float64(time.Second) / o.rate)
	n := int(o.rate * o.dur.Seconds())
	start := time.Now()
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Add(1)
		go func() { defer wg.Done(); one(ctx) }()
	}
}

func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return float64(s[i].Microseconds()) / 1000
}
