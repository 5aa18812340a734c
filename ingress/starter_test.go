package ingress_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// TestClassifyStartError: what Temporal may answer a start with, and which
// sentinel (so which HTTP status) it becomes.
func TestClassifyStartError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"our deadline", context.DeadlineExceeded, ingress.ErrUnavailable},
		{"our deadline, wrapped", fmt.Errorf("start: %w", context.DeadlineExceeded), ingress.ErrUnavailable},
		{"request canceled", context.Canceled, ingress.ErrUnavailable},
		{"frontend unreachable", serviceerror.NewUnavailable("connection refused"), ingress.ErrUnavailable},
		{"server deadline", serviceerror.NewDeadlineExceeded("deadline exceeded"), ingress.ErrUnavailable},
		{"rate limited", serviceerror.NewResourceExhausted(0, "namespace rate limit exceeded"), ingress.ErrUnavailable},
		{"server canceled", serviceerror.NewCanceled("canceled"), ingress.ErrUnavailable},
		{"unavailable, wrapped", fmt.Errorf("dial: %w", serviceerror.NewUnavailable("down")), ingress.ErrUnavailable},
		{"namespace not found", serviceerror.NewNamespaceNotFound("switchyard"), ingress.ErrStartFailed},
		{"invalid argument", serviceerror.NewInvalidArgument("search attribute WebhookSource is not defined"), ingress.ErrStartFailed},
		{"permission denied", serviceerror.NewPermissionDenied("no", ""), ingress.ErrStartFailed},
		{"internal", serviceerror.NewInternal("boom"), ingress.ErrStartFailed},
		{"anything else", errors.New("payload too large"), ingress.ErrStartFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ingress.ClassifyStartError(tc.err)
			assert.ErrorIs(t, got, tc.want)
			other := ingress.ErrStartFailed
			if tc.want == ingress.ErrStartFailed {
				other = ingress.ErrUnavailable
			}
			assert.NotErrorIs(t, got, other, "exactly one class")
			assert.Contains(t, got.Error(), tc.err.Error(), "the cause stays in the message")
		})
	}
}

// blockingStarter never answers before the start's context ends, like a
// Temporal frontend that hangs, and then fails as TemporalStarter would.
type blockingStarter struct{}

func (blockingStarter) Start(ctx context.Context, _ ingress.StartRequest) (ingress.Started, error) {
	select {
	case <-ctx.Done():
		return ingress.Started{}, ingress.ClassifyStartError(ctx.Err())
	case <-time.After(time.Minute): // a guard against hanging the suite, not a timing assertion
		return ingress.Started{}, errors.New("the handler gave the start no deadline")
	}
}

func (blockingStarter) Ready(context.Context) error { return nil }

// A start that outlives Deps.StartTimeout answers 503 with Retry-After, so
// the sender comes back instead of waiting on a hung connection.
func TestHandlerStartTimeoutAnswers503(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewStripe([]string{stripeSecret})
	require.NoError(t, err)
	h, err := ingress.NewHandler(ingress.Deps{
		Endpoints:    []ingress.Endpoint{{Source: src, BodyLimit: 1 << 20}},
		Routes:       workflows.DefaultRoutes(),
		Starter:      blockingStarter{},
		StartTimeout: 50 * time.Millisecond,
		RetryAfter:   7 * time.Second,
	})
	require.NoError(t, err)
	w, out := serve(h, signedStripe(stripeEvent("evt_slow"), stripeSecret, time.Now()))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, w.Body.String())
	assert.Equal(t, "7", w.Header().Get("Retry-After"))
	assert.Contains(t, out["error"], "temporal unavailable")
	assert.Contains(t, out["error"], "context deadline exceeded")
}
