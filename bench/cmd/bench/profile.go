package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ingressProfile is where the ingress spent its CPU during one saturated
// run, taken from its own pprof endpoint (SWITCHYARD_PPROF_ADDR).
type ingressProfile struct {
	conc    int
	window  time.Duration // wall time profiled
	cpu     time.Duration // CPU time sampled
	perSec  float64       // requests accepted per second during the run
	busy    float64       // cores busy on the whole machine meanwhile (-1: unknown)
	parts   []share       // by part of the request path, largest first
	hottest []share       // functions by own (flat) time, largest first
	path    string        // the saved profile
	failure string        // why there is no profile, if there is none
}

// cpuSample is the Go runtime's CPU profiling period (100 Hz).
const cpuSample = 10 * time.Millisecond

type share struct {
	name string
	frac float64
}

// parts names the request path's parts; a sample counts for the first part
// any frame of its stack matches, so the SDK's own JSON and gRPC work stays
// in "Temporal start".
var parts = []struct {
	name  string
	match []string
}{
	{"Temporal start (SDK ExecuteWorkflow: payloads, proto, gRPC call)", []string{"ExecuteWorkflow"}},
	{"verification (Stripe-Signature)", []string{"switchyard/ingress.(*Stripe).verify"}},
	{"JSON (event parse, answer)", []string{"encoding/json."}},
	{"gRPC transport (HTTP/2 framing, socket I/O)", []string{"google.golang.org/grpc"}},
	{"HTTP server and gin (read, route, write)", []string{"net/http.", "gin-gonic/gin"}},
	{"GC", []string{"runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge"}},
}

// profileRun profiles the ingress at pprofAddr while load runs for dur. The
// profile starts a little after the load and ends a little before it, so it
// sees only the steady state.
func profileRun(pprofAddr, path string, dur time.Duration, load func(dur time.Duration) (result, error)) (ingressProfile, error) {
	p := ingressProfile{path: path}
	type loaded struct {
		r   result
		err error
	}
	done := make(chan loaded, 1)
	go func() { r, err := load(dur); done <- loaded{r, err} }()
	lead := min(500*time.Millisecond, dur/5)
	secs := max(1, int((dur - 2*lead).Seconds()))
	time.Sleep(lead)
	busy0, total0 := cpuTicks()
	fetchErr := fetchProfile(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", pprofAddr, secs), path)
	busy1, total1 := cpuTicks()
	p.busy = -1
	if total1 > total0 {
		p.busy = float64(busy1-busy0) / float64(total1-total0) * float64(runtime.NumCPU())
	}
	l := <-done
	if l.err != nil {
		return p, l.err
	}
	p.window, p.perSec = time.Duration(secs)*time.Second, l.r.PerSec
	if fetchErr == nil {
		fetchErr = p.summarise()
	}
	if fetchErr != nil {
		p.failure = fetchErr.Error()
	}
	return p, nil
}

// cpuTicks reads the machine's busy and total CPU time from /proc/stat (zero
// where there is none): busy is all but idle and iowait.
func cpuTicks() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

func fetchProfile(url, path string) error {
	hc := http.Client{Timeout: time.Minute}
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// summarise reads every sampled stack (go tool pprof -traces) and splits the
// CPU by part of the request path and by function.
func (p *ingressProfile) summarise() error {
	out, err := exec.Command("go", "tool", "pprof", "-traces", p.path).Output()
	if err != nil {
		return fmt.Errorf("go tool pprof -traces: %w", err)
	}
	byPart, byFunc := map[string]time.Duration{}, map[string]time.Duration{}
	for _, st := range parseTraces(out) {
		p.cpu += st.value
		byFunc[st.frames[0]] += st.value
		byPart[partOf(st.frames)] += st.value
	}
	if p.cpu == 0 {
		return fmt.Errorf("no samples in %s", p.path)
	}
	p.parts, p.hottest = shares(byPart, p.cpu, len(byPart)), shares(byFunc, p.cpu, 3)
	return nil
}

type stack struct {
	value  time.Duration
	frames []string // leaf first
}

// parseTraces reads `go tool pprof -traces`: blocks between dashed lines, the
// first line "<time> <leaf function>", then one caller a line.
func parseTraces(out []byte) []stack {
	var all []stack
	var cur *stack
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		text := strings.TrimSuffix(strings.TrimSpace(line), " (inline)")
		switch {
		case strings.HasPrefix(line, "-----------+"):
			cur = nil
		case text == "":
		case cur == nil:
			value, fn, _ := strings.Cut(text, " ")
			d, err := time.ParseDuration(value)
			if err != nil {
				continue // the header
			}
			all = append(all, stack{value: d, frames: []string{strings.TrimSpace(fn)}})
			cur = &all[len(all)-1]
		case strings.HasPrefix(line, " "):
			cur.frames = append(cur.frames, text)
		}
	}
	return all
}

func partOf(frames []string) string {
	for _, part := range parts {
		for _, fr := range frames {
			for _, m := range part.match {
				if strings.Contains(fr, m) {
					return part.name
				}
			}
		}
	}
	return "other (Go runtime and the rest)"
}

func shares(m map[string]time.Duration, total time.Duration, n int) []share {
	var s []share
	for k, v := range m {
		s = append(s, share{k, float64(v) / float64(total)})
	}
	sort.Slice(s, func(i, j int) bool { return s[i].frac > s[j].frac || s[i].frac == s[j].frac && s[i].name < s[j].name })
	return s[:min(n, len(s))]
}

// String is the note line: cores and CPU per request, then the split.
func (p ingressProfile) String() string {
	if p.failure != "" {
		return fmt.Sprintf("no profile of the ingress at c=%d: %s", p.conc, p.failure)
	}
	cores := p.cpu.Seconds() / p.window.Seconds()
	perReq := ""
	if p.perSec > 0 {
		perReq = fmt.Sprintf(", %.2f ms CPU per accepted request", cores/p.perSec*1000)
	}
	var split, hot []string
	for _, s := range p.parts {
		split = append(split, fmt.Sprintf("%s %.0f%%", s.name, 100*s.frac))
	}
	for _, s := range p.hottest {
		hot = append(hot, fmt.Sprintf("`%s` %.0f%%", shortFunc(s.name), 100*s.frac))
	}
	machine := ""
	if p.busy >= 0 {
		machine = fmt.Sprintf(" Meanwhile the machine had %.2f of its %d cores busy (dev server, ingress, loadgen and anything else).",
			p.busy, runtime.NumCPU())
	}
	return fmt.Sprintf("ingress CPU profile at c=%d (its lowest ingress/raw ratio) over %s (%d samples): %.2f cores%s. By part: %s. Hottest functions (own time): %s.%s",
		p.conc, p.window, p.cpu/cpuSample, cores, perReq, strings.Join(split, ", "), strings.Join(hot, ", "), machine)
}

// shortFunc drops the import path and generic shapes:
// "google.golang.org/grpc/internal/transport.(*loopyWriter).run" → "transport.(*loopyWriter).run".
func shortFunc(name string) string {
	if i, j := strings.Index(name, "["), strings.LastIndex(name, "]"); i >= 0 && j > i {
		name = name[:i] + "[…]" + name[j+1:]
	}
	cut := len(name)
	if i := strings.IndexAny(name, "[("); i >= 0 {
		cut = i
	}
	if i := strings.LastIndex(name[:cut], "/"); i >= 0 {
		return name[i+1:]
	}
	return name
}
