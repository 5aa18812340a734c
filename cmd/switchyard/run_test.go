package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `switchyard ingress` fails closed: without a webhook secret for a built-in
// source it refuses to start, naming the variable, and never listens. With
// both secrets it serves (and answers /healthz while Temporal is down).
func TestIngressRefusesToStartWithoutSecrets(t *testing.T) {
	const stripeSecret = "whsec_run_test_secret"
	for _, tc := range []struct {
		name           string
		stripe, github string
		missing        []string // variables the error must name
	}{
		{"no secrets", "", "", []string{"STRIPE_WEBHOOK_SECRET", "GITHUB_WEBHOOK_SECRET"}},
		{"no GitHub secret", stripeSecret, "", []string{"GITHUB_WEBHOOK_SECRET"}},
		{"blank Stripe secret", " , ", "gh-secret", []string{"STRIPE_WEBHOOK_SECRET"}},
		{"both secrets", stripeSecret, "gh-secret", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := freeLoopbackAddr(t)
			t.Setenv("SWITCHYARD_HTTP_ADDR", addr)
			t.Setenv("SWITCHYARD_CONFIG", "")
			t.Setenv("STRIPE_WEBHOOK_SECRET", tc.stripe)
			t.Setenv("GITHUB_WEBHOOK_SECRET", tc.github)
			t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // nothing there: the client is lazy
			t.Setenv("SWITCHYARD_PAYLOAD_STORE", "file://"+t.TempDir())

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"ingress"}) }()

			if tc.missing != nil {
				select {
				case err := <-done:
					require.Error(t, err)
					for _, v := range tc.missing {
						assert.Contains(t, err.Error(), v)
					}
					assert.NotContains(t, err.Error(), stripeSecret)
				case <-time.After(30 * time.Second):
					t.Fatal("ingress started without the secrets it needs")
				}
				_, err := http.Get("http://" + addr + "/healthz")
				assert.Error(t, err, "nothing listens on %s", addr)
				return
			}
			require.Eventually(t, func() bool {
				resp, err := http.Get("http://" + addr + "/healthz")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == http.StatusOK
			}, 30*time.Second, 50*time.Millisecond, "ingress with both secrets serves")
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Fatal("ingress did not stop")
			}
		})
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return fmt.Sprintf("127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port)
}
