package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// micro holds the median ns/op and allocs/op of each testing.B benchmark.
type micro struct {
	ns, allocs, bytes map[string]float64
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op.*?(?:\s([\d.]+) B/op\s+([\d.]+) allocs/op)?$`)

// sources are the built-in sources, in the order the micro rows list them
// (the names ingress/sources_bench_test.go gives them).
var sources = []string{"stripe", "github", "hubspot", "slack", "shopify", "standard-webhooks"}

func runMicro(runs int, benchtime time.Duration) (micro, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^Benchmark(HMAC|Verify|Open|Handler)$", "-benchmem",
		"-benchtime", benchtime.String(), "-count", strconv.Itoa(runs), "./ingress/")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return micro{}, fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	ns, al, by := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[3], 64)
		ns[m[1]] = append(ns[m[1]], v)
		if m[5] != "" {
			a, _ := strconv.ParseFloat(m[5], 64)
			b, _ := strconv.ParseFloat(m[4], 64)
			al[m[1]], by[m[1]] = append(al[m[1]], a), append(by[m[1]], b)
		}
	}
	r := micro{ns: map[string]float64{}, allocs: map[string]float64{}, bytes: map[string]float64{}}
	for k, v := range ns {
		r.ns[k], r.allocs[k], r.bytes[k] = median(v), median(al[k]), median(by[k])
	}
	if len(r.ns) == 0 {
		return r, fmt.Errorf("no benchmark results in:\n%s", out)
	}
	return r, nil
}

type report struct {
	header  string
	micro   micro
	servers []serverFigures
	e2e     e2eFigures
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func (r report) markdown(o options) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("### Switchyard benchmark\n\n%s\n\n", r.header)
	w("| measure | Temporal | figure | raw SDK | ingress | ingress / raw | target |\n|---|---|---|---|---|---|---|\n")
	for _, s := range r.servers {
		for _, c := range o.concs {
			ratio := s.ing[c] / s.raw[c]
			w("| throughput | %s | c=%d, starts/s | %.0f | %.0f | %s | ≥ 0.90 %s |\n", s.name, c, s.raw[c], s.ing[c], ratioBeside(ratio, minThroughput), verdict(ratio >= minThroughput))
		}
	}
	for _, s := range r.servers {
		names := []string{"p50", "p90", "p99"}
		for k := range 3 {
			target, ratio := "", fmt.Sprintf("%.2f", s.ingLat[k]/s.rawLat[k])
			if k == 2 {
				target = "≤ 1.5 " + verdict(s.ingLat[2] <= maxP99*s.rawLat[2])
				ratio = ratioBeside(s.ingLat[2]/s.rawLat[2], maxP99)
			}
			w("| ack latency at %.0f/s | %s | %s ms | %.1f | %.1f | %s | %s |\n", s.rate, s.name, names[k], s.rawLat[k], s.ingLat[k], ratio, target)
		}
	}
	for _, s := range r.servers {
		ratio := s.dup / s.uniq
		w("| duplicates vs unique, c=32 | %s | events/s | %.0f unique | %.0f duplicate | %.2f | ≥ 1.0 %s |\n", s.name, s.uniq, s.dup, ratio, verdict(ratio >= minDup))
	}
	e := r.e2e
	w("| end to end at %.0f/s | in memory | webhook → StripePayment completed: PaymentIntent (Stripe fake), CRM contact + deal (HubSpot fake), "+
		"Slack post (Slack fake); of %d events, %d deals, %d contacts, %d posts; activity rates %s/s | | p50 %.0f ms, p99 %.0f ms | | |\n",
		e.rate, e.events, e.deals, e.contacts, e.posts, e2eProviderRate, e.p50, e.p99)
	for _, s := range r.servers {
		w("| peak RSS (VmHWM) | %s | ingress at saturation | | %.0f MiB | | |\n", s.name, s.ingressRSS)
	}
	w("| peak RSS (VmHWM) | in memory | worker draining a %.0f-event burst | | %.0f MiB | | |\n", r.e2e.burstAccepted, r.e2e.workerRSS)
	if len(r.micro.ns) > 0 {
		w("\n| micro (go test -bench ./ingress/) | 4 KB | 64 KB | vs bare HMAC-SHA256 (4 KB / 64 KB) | target |\n|---|---|---|---|---|\n")
		h4, h64 := r.micro.ns["HMAC/4KB"], r.micro.ns["HMAC/64KB"]
		w("| bare HMAC-SHA256 | %s | %s | 1.00 / 1.00 | |\n", us(h4), us(h64))
		for _, src := range sources {
			v4, v64 := r.micro.ns["Verify/"+src+"/4KB"], r.micro.ns["Verify/"+src+"/64KB"]
			w("| verify %s | %s | %s | %.2f / %.2f | ≤ 2× %s |\n", src, us(v4), us(v64), v4/h4, v64/h64, verdict(v4/h4 <= maxVerify && v64/h64 <= maxVerify))
		}
		for _, src := range sources {
			k4, k64 := "Open/"+src+"/4KB", "Open/"+src+"/64KB"
			w("| verify + parse (Source.Open) %s | %s, %.0f allocs | %s, %.0f allocs | %.1f / %.1f | |\n", src,
				us(r.micro.ns[k4]), r.micro.allocs[k4], us(r.micro.ns[k64]), r.micro.allocs[k64], r.micro.ns[k4]/h4, r.micro.ns[k64]/h64)
		}
		w("| whole handler, fake starter, 4 KB Stripe | %s, %.0f allocs, %.0f KB per request | | | |\n",
			us(r.micro.ns["Handler"]), r.micro.allocs["Handler"], r.micro.bytes["Handler"]/1024)
	}
	w("\n%s", r.notes(o))
	return b.String()
}

func us(ns float64) string { return fmt.Sprintf("%.1f µs", ns/1000) }

// ratioBeside prints a ratio to two decimals, or three when two would equal
// the target it is judged against: 0.898 against 0.90 must not read "0.90
// missed".
func ratioBeside(r, target float64) string {
	if fmt.Sprintf("%.2f", r) == fmt.Sprintf("%.2f", target) {
		return fmt.Sprintf("%.3f", r)
	}
	return fmt.Sprintf("%.2f", r)
}
