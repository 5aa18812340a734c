//go:build chaos

package chaos

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/workflows"
)

const (
	stripeSecret = "whsec_chaos_secret"
	githubSecret = "chaos-github"
	githubHookID = "4242"
)

// temporal starts a headless dev server (dbFile "" keeps it in memory) on
// port (0: a free one) and kills it when the test ends.
func temporal(t *testing.T, dbFile string, port int) *devserver.Server {
	t.Helper()
	o := devserver.Options{Path: env.temporal, Headless: true, Port: port, SearchAttributes: workflows.SearchAttributeNames, LogLevel: "error"}
	if dbFile != "" {
		o.DBFile, o.Pragmas = dbFile, []string{"journal_mode=wal"}
	}
	srv, err := devserver.Start(context.Background(), o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Kill() })
	return srv
}

// proc is a `switchyard` process this test started; only it is ever killed.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// switchyard starts `switchyard <role>` against temporalAddr, serving on
// httpAddr (the ingress), logging to the test's folder.
func switchyard(t *testing.T, role, temporalAddr, httpAddr string, extra ...string) *proc {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(env.switchyard, role)
	cmd.Env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+temporalAddr, "TEMPORAL_NAMESPACE=default",
		"STRIPE_WEBHOOK_SECRET="+stripeSecret, "GITHUB_WEBHOOK_SECRET="+githubSecret,
		"SWITCHYARD_HTTP_ADDR="+httpAddr, "SWITCHYARD_DATA_DIR="+dir,
		"SWITCHYARD_START_TIMEOUT=20s", "SWITCHYARD_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extra...)
	logf, err := os.Create(filepath.Join(dir, role+".log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	return p
}

// kill sends SIGKILL, as a crash or an OOM kill would, and waits for the exit.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func freeAddr(t *testing.T) string {
	t.Helper()
	port, err := devserver.FreePort()
	require.NoError(t, err)
	return "127.0.0.1:" + strconv.Itoa(port)
}

// waitReady waits for the ingress's /readyz to pass.
func waitReady(t *testing.T, base string) {
	t.Helper()
	require.Eventually(t, func() bool { return readyz(base) == http.StatusOK }, 60*time.Second, 100*time.Millisecond)
}

func readyz(base string) int {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// answer is one webhook answer; Status 0 means no answer at all.
type answer struct {
	Status     int
	RetryAfter string
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Duplicate  bool   `json:"duplicate"`
	Error      string `json:"error"`
}

func (a answer) acked() bool { return a.Status >= 200 && a.Status < 300 }

var httpClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute},
}

func stripeEvent(id string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","api_version":"2023-10-16","created":%d,`+
		`"livemode":false,"data":{"object":{"id":"pi_%s","object":"payment_intent","amount":1099,"currency":"usd"}}}`,
		id, time.Now().Unix(), id))
}

// deliver posts one signed Stripe event, signed now (as Stripe re-signs each attempt).
func deliver(base, id string) (answer, error) { return deliverBody(base, stripeEvent(id)) }

// deliverBody posts any Stripe event body, signed now.
func deliverBody(base string, body []byte) (answer, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(stripeSecret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return postSigned(base+"/v1/webhooks/stripe", body, map[string]string{
		"Stripe-Signature": "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil)),
	})
}

// deliverGitHub posts one signed GitHub delivery of event from hook githubHookID.
func deliverGitHub(base, event, delivery string, body []byte) (answer, error) {
	m := hmac.New(sha256.New, []byte(githubSecret))
	m.Write(body)
	return postSigned(base+"/v1/webhooks/github", body, map[string]string{
		"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-GitHub-Hook-ID": githubHookID,
		"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(m.Sum(nil)),
	})
}

// postSigned posts a JSON body with the given headers and decodes the answer.
func postSigned(url string, body []byte, headers map[string]string) (answer, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fmt.Errorf("answer %d %q: %w", resp.StatusCode, raw, err)
	}
	return a, nil
}

func dial(t *testing.T, addr string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default",
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// executions lists every Stripe event workflow run by visibility: workflow
// ID → number of runs.
func executions(t *testing.T, c client.Client) map[string]int {
	return runsWhere(t, c, `WebhookSource = "stripe"`)
}

// runsWhere lists the runs a visibility query finds: workflow ID → number of runs.
func runsWhere(t *testing.T, c client.Client, query string) map[string]int {
	t.Helper()
	runs := map[string]int{}
	var token []byte
	for {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: 1000, NextPageToken: token,
		})
		require.NoError(t, err)
		for _, e := range resp.GetExecutions() {
			runs[e.GetExecution().GetWorkflowId()]++
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return runs
		}
	}
}

// settledExecutions waits until visibility shows want workflow IDs (it lags
// the starts slightly) and returns the listing.
func settledExecutions(t *testing.T, c client.Client, want int) map[string]int {
	t.Helper()
	var runs map[string]int
	require.Eventually(t, func() bool {
		runs = executions(t, c)
		return len(runs) >= want
	}, 60*time.Second, 250*time.Millisecond, "visibility shows fewer workflows than expected")
	// Anything more would show up now too.
	time.Sleep(time.Second)
	return executions(t, c)
}

func totalRuns(runs map[string]int) int {
	n := 0
	for _, v := range runs {
		n += v
	}
	return n
}

func splitHostPort(addr string) (string, string, error) { return net.SplitHostPort(addr) }
