// Command bench is `make bench`: it measures how close the ingress runs to
// Temporal's own limit and prints one markdown table, also written to
// bench/results/latest.md. It starts everything it measures itself — a
// Temporal dev server (file database with WAL, then in memory), the
// `switchyard ingress` and `switchyard worker` processes, stripe-mock and,
// in this process, Stripe, HubSpot and Slack fakes for the end-to-end
// workflows — and drives load from a separate loadgen process, on loopback
// only. Under the table it notes each target missed, with a CPU profile of
// the ingress taken through its pprof endpoint.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/internal/devserver"
)

const secret = "whsec_bench_secret"

type options struct {
	bin, loadgen, temporal, out string
	runs                        int
	dur                         time.Duration
	concs                       []int
	skipMicro                   bool
	microTime                   time.Duration
}

func main() {
	var o options
	var concs string
	flag.StringVar(&o.bin, "switchyard", "bin/switchyard", "the switchyard binary")
	flag.StringVar(&o.loadgen, "loadgen", "bin/loadgen", "the loadgen binary")
	flag.StringVar(&o.temporal, "temporal", "bin/temporal", "the Temporal CLI")
	flag.StringVar(&o.out, "out", "bench/results/latest.md", "where the table is written")
	flag.IntVar(&o.runs, "runs", 3, "runs per figure (the table shows the median)")
	flag.DurationVar(&o.dur, "d", 5*time.Second, "duration of one load run")
	flag.StringVar(&concs, "c", "8,32,128", "concurrencies")
	flag.BoolVar(&o.skipMicro, "skip-micro", false, "skip the testing.B micro benchmarks")
	flag.DurationVar(&o.microTime, "microtime", 200*time.Millisecond, "-benchtime of each micro benchmark run")
	flag.Parse()
	for _, s := range strings.Split(concs, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -c:", err)
			os.Exit(2)
		}
		o.concs = append(o.concs, n)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx := context.Background()
	began := time.Now()
	logDir, err := os.MkdirTemp("", "switchyard-bench-")
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "bench: process logs in", logDir)
	var rep report
	if !o.skipMicro {
		fmt.Fprintln(os.Stderr, "bench: micro benchmarks (go test -bench ./ingress/)")
		if rep.micro, err = runMicro(o.runs, o.microTime); err != nil {
			return err
		}
	}
	for _, m := range []struct{ name, db string }{
		{"file (WAL)", filepath.Join(logDir, "temporal.db")},
		{"in memory", ""},
	} {
		fmt.Fprintln(os.Stderr, "bench: Temporal", m.name)
		s, err := serverPhase(ctx, o, m.name, m.db, logDir)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		rep.servers = append(rep.servers, s)
	}
	fmt.Fprintln(os.Stderr, "bench: end to end and worker at saturation")
	if rep.e2e, err = e2ePhase(ctx, o, logDir); err != nil {
		return fmt.Errorf("end to end: %w", err)
	}
	rep.header = fmt.Sprintf("%s, %d cores (%s), %s; each figure the median of %d runs of %s; took %s",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpuModel(), runtime.Version(),
		o.runs, o.dur, time.Since(began).Round(time.Second))
	table := rep.markdown(o)
	fmt.Print(table)
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(o.out, []byte(table), 0o644)
}

// serverFigures are the raw-versus-ingress figures against one dev server.
type serverFigures struct {
	name                 string
	raw, ing             map[int]float64 // starts/s by concurrency
	rate                 float64
	rawLat, ingLat       [3]float64 // p50, p90, p99 ms
	uniq, dup            float64
	ingressRSS           float64
	rawErrors, ingErrors int64
	profile              ingressProfile // at the concurrency with the lowest ratio
}

func serverPhase(ctx context.Context, o options, name, db, logDir string) (serverFigures, error) {
	f := serverFigures{name: name, raw: map[int]float64{}, ing: map[int]float64{}}
	srv, err := startTemporal(ctx, o.temporal, db, logDir)
	if err != nil {
		return f, err
	}
	defer srv.Stop()
	port, err := devserver.FreePort()
	if err != nil {
		return f, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	url := "http://" + addr
	pport, err := devserver.FreePort()
	if err != nil {
		return f, err
	}
	pprofAddr := fmt.Sprintf("127.0.0.1:%d", pport)
	ing, err := startProc("ingress", o.bin, switchyardEnv(srv.Address, addr, "SWITCHYARD_PPROF_ADDR="+pprofAddr), logDir, "ingress")
	if err != nil {
		return f, err
	}
	defer ing.stop()
	if err := waitReady(url); err != nil {
		return f, err
	}
	raw := func(args ...string) (result, error) {
		return loadgen(o.loadgen, append([]string{"-mode", "raw", "-temporal", srv.Address, "-secret", secret}, args...)...)
	}
	web := func(args ...string) (result, error) {
		return loadgen(o.loadgen, append([]string{"-mode", "ingress", "-url", url, "-secret", secret}, args...)...)
	}
	d := o.dur.String()
	// Warm up both paths (connections, server caches) outside the figures.
	if _, err := raw("-c", "8", "-d", "2s"); err != nil {
		return f, err
	}
	if _, err := web("-c", "8", "-d", "2s"); err != nil {
		return f, err
	}
	for _, c := range o.concs {
		var rs, is []float64
		for n := range o.runs {
			// Alternate which goes first: the server slows as open workflows
			// pile up (no worker runs here), which must not favour either side.
			var r, i result
			var err error
			if n%2 == 0 {
				r, err = raw("-c", strconv.Itoa(c), "-d", d)
				if err == nil {
					i, err = web("-c", strconv.Itoa(c), "-d", d)
				}
			} else {
				i, err = web("-c", strconv.Itoa(c), "-d", d)
				if err == nil {
					r, err = raw("-c", strconv.Itoa(c), "-d", d)
				}
			}
			if err != nil {
				return f, err
			}
			rs, is = append(rs, r.PerSec), append(is, i.PerSec)
			f.rawErrors, f.ingErrors = f.rawErrors+r.Errors, f.ingErrors+i.Errors
		}
		f.raw[c], f.ing[c] = median(rs), median(is)
		fmt.Fprintf(os.Stderr, "  c=%d raw %.0f/s ingress %.0f/s\n", c, f.raw[c], f.ing[c])
	}
	f.ingressRSS = ing.peakRSS()

	sat := 0.0
	for _, v := range f.raw {
		sat = max(sat, v)
	}
	f.rate = max(1, sat/2)
	rate := strconv.FormatFloat(f.rate, 'f', 1, 64)
	var rl, il [3][]float64
	for n := range o.runs {
		var r, i result
		var err error
		if n%2 == 0 {
			r, err = raw("-rate", rate, "-d", d)
			if err == nil {
				i, err = web("-rate", rate, "-d", d)
			}
		} else {
			i, err = web("-rate", rate, "-d", d)
			if err == nil {
				r, err = raw("-rate", rate, "-d", d)
			}
		}
		if err != nil {
			return f, err
		}
		for k, v := range [3]float64{r.P50ms, r.P90ms, r.P99ms} {
			rl[k] = append(rl[k], v)
		}
		for k, v := range [3]float64{i.P50ms, i.P90ms, i.P99ms} {
			il[k] = append(il[k], v)
		}
	}
	for k := range 3 {
		f.rawLat[k], f.ingLat[k] = median(rl[k]), median(il[k])
	}
	fmt.Fprintf(os.Stderr, "  at %s/s: raw p99 %.1fms ingress p99 %.1fms\n", rate, f.rawLat[2], f.ingLat[2])

	var us, ds []float64
	for n := range o.runs {
		prefix := fmt.Sprintf("dup%d_%d", n, time.Now().UnixNano())
		u, err := web("-c", "32", "-d", d, "-prefix", prefix)
		if err != nil {
			return f, err
		}
		if u.OK == 0 {
			return f, fmt.Errorf("no unique event accepted: %s", u.FirstErr)
		}
		dd, err := web("-c", "32", "-d", d, "-dup-of", prefix, "-dup-n", strconv.FormatInt(u.OK, 10))
		if err != nil {
			return f, err
		}
		if dd.Dups != dd.OK {
			return f, fmt.Errorf("duplicate run: %d of %d answers were not duplicates", dd.OK-dd.Dups, dd.OK)
		}
		us, ds = append(us, u.PerSec), append(ds, dd.PerSec)
	}
	f.uniq, f.dup = median(us), median(ds)
	f.ingressRSS = max(f.ingressRSS, ing.peakRSS())
	fmt.Fprintf(os.Stderr, "  duplicates %.0f/s vs unique %.0f/s\n", f.dup, f.uniq)

	// One more run, after the figures (it adds open workflows, which slow
	// the server), with the ingress profiled where it did worst: the note
	// under the table says where its CPU went. It is twice as long as the
	// others, as the ingress's share of 100 Hz samples is small.
	worst := o.concs[0]
	for _, c := range o.concs {
		if f.ing[c]/f.raw[c] < f.ing[worst]/f.raw[worst] {
			worst = c
		}
	}
	profPath := filepath.Join(logDir, "ingress-"+strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(name)+".pprof")
	f.profile, err = profileRun(pprofAddr, profPath, 2*o.dur, func(dur time.Duration) (result, error) {
		return web("-c", strconv.Itoa(worst), "-d", dur.String())
	})
	if err != nil {
		return f, err
	}
	f.profile.conc = worst
	fmt.Fprintf(os.Stderr, "  profile: %s\n", f.profile)
	return f, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
