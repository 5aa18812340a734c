package devserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// StartStripeMock runs Stripe's official mock server on 127.0.0.1:port and
// returns its base URL once it answers; stop ends it. `switchyard dev` and
// the integration tests share it.
func StartStripeMock(ctx context.Context, path string, port int) (url string, stop func(), err error) {
	if _, err := os.Stat(path); err != nil {
		return "", nil, fmt.Errorf("stripe-mock not found at %q (`make test` and `make dev` install it): %w", path, err)
	}
	// stripe-mock also listens for HTTPS on :12112 unless told otherwise,
	// which clashes with any other stripe-mock on the machine: let the OS pick.
	cmd := exec.Command(path, "-http-addr", fmt.Sprintf("127.0.0.1:%d", port), "-https-addr", "127.0.0.1:")
	// Its own process group (a Ctrl-C reaches it only through stop), and it
	// dies with its parent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start stripe-mock: %w", err)
	}
	stop = func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/v1/charges"); err == nil {
			resp.Body.Close()
			return url, stop, nil
		}
	}
	stop()
	return "", nil, errors.New("stripe-mock did not answer within 30s")
}
