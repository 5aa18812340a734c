package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/workflows"
)

// proc is a child process this driver started and alone stops.
type proc struct {
	name string
	cmd  *exec.Cmd
}

func startProc(name, path string, env []string, logDir string, args ...string) (*proc, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	logf, err := os.Create(filepath.Join(logDir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return &proc{name: name, cmd: cmd}, nil
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the process's high-water resident set (VmHWM) in MiB.
func (p *proc) peakRSS() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func startTemporal(ctx context.Context, cli, dbFile string, logDir string) (*devserver.Server, error) {
	o := devserver.Options{Path: cli, Headless: true, SearchAttributes: workflows.SearchAttributeNames, LogLevel: "error"}
	if dbFile != "" {
		o.DBFile, o.Pragmas = dbFile, []string{"journal_mode=wal"}
	}
	logf, err := os.Create(filepath.Join(logDir, "temporal.log"))
	if err != nil {
		return nil, err
	}
	o.Stdout, o.Stderr = logf, logf
	return devserver.Start(ctx, o)
}

// switchyardEnv is the environment of the ingress and worker processes.
func switchyardEnv(temporalAddr, httpAddr string, extra ...string) []string {
	return append([]string{
		"TEMPORAL_ADDRESS=" + temporalAddr, "TEMPORAL_NAMESPACE=default",
		"STRIPE_WEBHOOK_SECRET=" + secret, "GITHUB_WEBHOOK_SECRET=bench-github",
		"SWITCHYARD_HTTP_ADDR=" + httpAddr,
	}, extra...)
}

// waitReady polls the ingress's /readyz, which passes once Temporal answers.
func waitReady(url string) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s/readyz not ready after 30s", url)
}

// result mirrors loadgen's JSON line.
type result struct {
	OK       int64   `json:"ok"`
	Errors   int64   `json:"errors"`
	Dups     int64   `json:"duplicates"`
	PerSec   float64 `json:"per_sec"`
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
	E2EP50ms float64 `json:"e2e_p50_ms"`
	E2EP99ms float64 `json:"e2e_p99_ms"`
	FirstErr string  `json:"first_error"`
}

func loadgen(path string, args ...string) (result, error) {
	out, err := exec.Command(path, args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return result{}, fmt.Errorf("loadgen %v: %w: %s", args, err, ee.Stderr)
		}
		return result{}, fmt.Errorf("loadgen %v: %w", args, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("loadgen output %q: %w", out, err)
	}
	if r.Errors > 0 {
		fmt.Fprintf(os.Stderr, "  note: %d errors in loadgen %v (first: %s)\n", r.Errors, args, r.FirstErr)
	}
	return r, nil
}
