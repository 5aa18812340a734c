package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/internal/testenv"
)

// devStack is one `switchyard dev` process.
type devStack struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	http   string
	grpc   string
	exited chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// freePorts picks free ports below Linux's ephemeral range (32768+), so the
// Temporal server's own services, which bind ephemeral ports, cannot take
// one of them between this check and the dev stack's start.
func freePorts(t *testing.T, n int) []int {
	var ports []int
	for p := 20000 + rand.IntN(10000); len(ports) < n && p < 32768; p++ {
		if portFree(p) {
			ports = append(ports, p)
		}
	}
	require.Len(t, ports, n)
	return ports
}

func startDev(t *testing.T, bin, dataDir string, ports []int) *devStack {
	t.Helper()
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	cli, err := testenv.TemporalCLI()
	require.NoError(t, err)
	s := &devStack{out: &syncBuffer{}, exited: make(chan error, 1),
		http: fmt.Sprintf("127.0.0.1:%d", ports[0]), grpc: fmt.Sprintf("127.0.0.1:%d", ports[1])}
	s.cmd = exec.Command(bin, "dev")
	s.cmd.Dir = root
	s.cmd.Env = append(os.Environ(),
		"SWITCHYARD_HTTP_ADDR="+s.http,
		"SWITCHYARD_DATA_DIR="+dataDir,
		fmt.Sprintf("SWITCHYARD_DEV_TEMPORAL_PORT=%d", ports[1]),
		fmt.Sprintf("SWITCHYARD_DEV_UI_PORT=%d", ports[2]),
		fmt.Sprintf("SWITCHYARD_DEV_STRIPE_PORT=%d", ports[3]),
		"TEMPORAL_CLI="+cli,
		"STRIPE_MOCK="+filepath.Join(root, "bin", "stripe-mock"),
		"STRIPE_WEBHOOK_SECRET=", "STRIPE_API_KEY=", "TEMPORAL_ADDRESS=",
	)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	require.NoError(t, s.cmd.Start())
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() { _ = s.cmd.Process.Kill() })
	// Ready means /readyz answers and the banner has been read from the
	// pipe: dev prints it before the ingress serves, but exec copies a
	// child's output to s.out in a goroutine of its own, which on a loaded
	// machine can lag behind the first 200.
	ready := assert.Eventually(t, func() bool {
		resp, err := http.Get("http://" + s.http + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK && strings.Contains(s.out.String(), "Ctrl-C stops everything")
	}, 90*time.Second, 250*time.Millisecond, "dev stack never became ready")
	if !ready {
		t.Fatalf("dev output:\n%s", s.out.String())
	}
	return s
}

// stop sends Ctrl-C and waits for a clean exit.
func (s *devStack) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-s.exited:
		require.NoError(t, err, "dev exits cleanly on Ctrl-C:\n%s", s.out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("dev did not stop within 60s:\n%s", s.out.String())
	}
}

func devSecret(t *testing.T, out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "STRIPE_WEBHOOK_SECRET="); ok {
			return v
		}
	}
	t.Fatalf("banner does not print the Stripe dev secret:\n%s", out)
	return ""
}

func sendStripe(t *testing.T, addr, secret string, body []byte) map[string]any {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/webhooks/stripe", bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// TestDevStack runs the `make dev` flow as a user would: start, send a
// signed event, see the workflow complete against stripe-mock, Ctrl-C, start
// again and find the event still recorded (SQLite under the data dir).
func TestDevStack(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "switchyard")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	dataDir := t.TempDir()
	ports := freePorts(t, 4)

	s := startDev(t, bin, dataDir, ports)
	banner := s.out.String()
	assert.Contains(t, banner, "http://"+s.http+"/v1/webhooks/stripe")
	assert.Contains(t, banner, fmt.Sprintf("http://127.0.0.1:%d", ports[2]), "the UI URL is printed")
	secret := devSecret(t, banner)

	eventID := fmt.Sprintf("evt_dev_%d", time.Now().UnixNano())
	body := []byte(`{"id":"` + eventID + `","object":"event","type":"payment_intent.succeeded","api_version":"2023-10-16",` +
		`"created":1700000000,"livemode":false,"data":{"object":{"id":"pi_dev","object":"payment_intent","amount":1099,"currency":"usd"}}}`)
	first := sendStripe(t, s.http, secret, body)
	assert.Equal(t, false, first["duplicate"])

	c, err := client.Dial(client.Options{HostPort: s.grpc})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		d, err := c.DescribeWorkflowExecution(context.Background(), "stripe:"+eventID, "")
		return err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
	}, 60*time.Second, 200*time.Millisecond, "the workflow completes against stripe-mock")
	c.Close()
	s.stop(t)

	// The ports are free again: nothing was left running.
	for _, p := range ports {
		require.Eventually(t, func() bool { return portFree(p) }, 10*time.Second, 100*time.Millisecond, "port %d still held after Ctrl-C", p)
	}

	s = startDev(t, bin, dataDir, ports)
	again := sendStripe(t, s.http, secret, body)
	assert.Equal(t, true, again["duplicate"], "state survives a restart: the event is still recorded")
	assert.Equal(t, first["run_id"], again["run_id"])
	s.stop(t)
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
