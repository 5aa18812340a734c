//go:build chaos

// Package chaos is the fault-injection suite (`make chaos`, not `make test`):
// each test starts its own Temporal dev server and real `switchyard`
// processes, breaks them on purpose, and checks that no acknowledged event
// is lost or run twice. TestMain prints "N passed, M failed" and the figures.
package chaos

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/switchyard/switchyard/internal/testenv"
)

// env is shared by every test: the binary built once, the Temporal CLI.
var env struct {
	switchyard string
	temporal   string
}

// tally collects each test's outcome and figures for the summary line.
var tally struct {
	sync.Mutex
	passed, failed []string
	figures        []string
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "switchyard-chaos-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := testenv.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 1
	}
	env.switchyard = filepath.Join(dir, "switchyard")
	build := exec.Command("go", "build", "-o", env.switchyard, "./cmd/switchyard")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "chaos: build switchyard:", err)
		return 1
	}
	if env.temporal, err = testenv.TemporalCLI(); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 1
	}
	code := m.Run()
	tally.Lock()
	defer tally.Unlock()
	sort.Strings(tally.figures)
	for _, f := range tally.figures {
		fmt.Println(f)
	}
	fmt.Printf("%d passed, %d failed\n", len(tally.passed), len(tally.failed))
	if len(tally.failed) > 0 {
		fmt.Println("failed:", tally.failed)
	}
	return code
}

// track records t's outcome for the summary.
func track(t *testing.T) {
	t.Cleanup(func() {
		tally.Lock()
		defer tally.Unlock()
		if t.Failed() {
			tally.failed = append(tally.failed, t.Name())
		} else {
			tally.passed = append(tally.passed, t.Name())
		}
	})
}

// figures records one test's counts for the summary.
func figures(t *testing.T, sent, acked, found, executions int) {
	line := fmt.Sprintf("%s: events sent %d, acked %d, found %d, executions %d", t.Name(), sent, acked, found, executions)
	t.Log(line)
	tally.Lock()
	defer tally.Unlock()
	tally.figures = append(tally.figures, line)
}
