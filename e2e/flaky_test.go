package e2e

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/workflows"
)

// flakyWorkflow is an event workflow whose one downstream call fails
// permanently while the test says it is broken, like an integration whose
// credentials were revoked. It returns the payload it received, so a test can
// see that a replay ran on the recorded bytes. It runs on a private task
// queue, so it does not depend on how the real workers lay out theirs.
const flakyWorkflow = "FlakyEvent"

type flaky struct{ broken atomic.Bool }

// FlakyStep is the downstream call.
func (f *flaky) FlakyStep(_ context.Context, in workflows.EventInput) (string, error) {
	if f.broken.Load() {
		return "", temporal.NewNonRetryableApplicationError("downstream rejected the credentials", "FlakyAuth", nil)
	}
	return string(in.Payload), nil
}

func flakyEvent(ctx workflow.Context, in workflows.EventInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, "FlakyStep", in).Get(ctx, &out)
	return out, err
}

// startFlakyWorker runs flakyEvent and its activity on queue with client c.
func startFlakyWorker(t *testing.T, c client.Client, queue string) *flaky {
	t.Helper()
	f := &flaky{}
	w := sdkworker.New(c, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(flakyEvent, workflow.RegisterOptions{Name: flakyWorkflow})
	w.RegisterActivityWithOptions(f.FlakyStep, activity.RegisterOptions{Name: "FlakyStep"})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	return f
}
