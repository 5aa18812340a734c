//go:build chaos

package chaos

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// holdWrites puts a proxy in front of the GitHub and Slack fakes that holds
// the answer to each write (a comment or a message posted) for hold after the
// fake has recorded it, and names the write's provider on the returned
// channel to a test waiting there. A worker killed during the hold has made
// the side effect but can never report it: its activity's retry must find it
// rather than make it twice. Later workers reach the fakes through the proxy.
func (d *downstream) holdWrites(t *testing.T, hold time.Duration) <-chan string {
	t.Helper()
	held := make(chan string)
	proxy := func(provider, target string, write func(*http.Request) bool) string {
		u, err := url.Parse(target)
		require.NoError(t, err)
		p := httputil.NewSingleHostReverseProxy(u)
		p.ModifyResponse = func(r *http.Response) error {
			if write(r.Request) && r.StatusCode < 300 {
				select {
				case held <- provider:
				default:
				}
				time.Sleep(hold)
			}
			return nil
		}
		srv := httptest.NewServer(p)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	github := proxy("github", d.github.URL, func(r *http.Request) bool { return r.Method == http.MethodPost })
	slack := proxy("slack", d.slack.URL, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/chat.postMessage") })
	d.env = append(d.env, "GITHUB_API_URL="+github, "SLACK_API_URL="+slack+"/api/")
	return held
}

// waitHeld waits until a write to provider is being held.
func waitHeld(t *testing.T, held <-chan string, provider string, within time.Duration) {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case p := <-held:
			if p == provider {
				return
			}
		case <-timeout:
			t.Fatalf("no %s write within %s", provider, within)
		}
	}
}
