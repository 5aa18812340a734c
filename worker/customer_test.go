package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/worker"
	"github.com/switchyard/switchyard/workflows"
)

// The worker registers StripeCustomerSync with SWITCHYARD_SLACK_CUSTOMER_CHANNELS;
// with only an incoming webhook, which has one channel, it posts once.
func TestCustomerSyncGetsConfiguredChannels(t *testing.T) {
	for name, tc := range map[string]struct {
		slack map[string]string
		want  []string
		warn  bool
	}{
		"bot token": {slack: map[string]string{"SLACK_BOT_TOKEN": "xoxb-x"}, want: []string{"#sales", "C0OPS"}},
		"webhook":   {slack: map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.example/x"}, want: []string{"#sales"}, warn: true},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"SWITCHYARD_SLACK_CUSTOMER_CHANNELS": "#sales,C0OPS", "HUBSPOT_TOKEN": "pat-na1-x"}
			for k, v := range tc.slack {
				env[k] = v
			}
			cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
			require.NoError(t, err)
			var logs bytes.Buffer
			acts, err := worker.NewActivities(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			require.NoError(t, err)
			assert.Equal(t, tc.warn, bytes.Contains(logs.Bytes(), []byte("SWITCHYARD_SLACK_CUSTOMER_CHANNELS lists several channels")), logs.String())

			var s testsuite.WorkflowTestSuite
			tenv := s.NewTestWorkflowEnvironment()
			worker.Register(tenv, acts)
			tenv.OnActivity("RetrieveCustomer", mock.Anything, mock.Anything).Return(&activities.Customer{ID: "cus_1", Email: "a@example.com"}, nil)
			tenv.OnActivity("UpsertCRMContact", mock.Anything, mock.Anything).Return(&activities.CRMRecord{ID: "1"}, nil)
			var mu sync.Mutex
			var channels []string
			tenv.OnActivity("PostSlackMessage", mock.Anything, mock.Anything).Return(
				func(_ context.Context, in activities.PostSlackMessageInput) (*activities.PostSlackMessageResult, error) {
					mu.Lock()
					defer mu.Unlock()
					channels = append(channels, in.Channel)
					return &activities.PostSlackMessageResult{Channel: in.Channel}, nil
				})
			tenv.ExecuteWorkflow(workflows.StripeCustomerSyncWorkflow, workflows.EventInput{Source: "stripe", Type: "customer.updated",
				Payload: json.RawMessage(`{"data":{"object":{"id":"cus_1"}}}`)})
			require.NoError(t, tenv.GetWorkflowError())
			assert.ElementsMatch(t, tc.want, channels)
		})
	}
}
