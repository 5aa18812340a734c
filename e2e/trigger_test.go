package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
	"github.com/switchyard/switchyard/workflows"
)

func TestTriggerEverySample(t *testing.T) {
	opts := ops.TriggerOptions{URL: stack.ingress.URL, StripeSecret: stripeSecret, GitHubSecret: githubSecret, GitHubHookID: "77"}
	for source, types := range ops.SampleTypes() {
		for _, typ := range types {
			res, err := ops.Trigger(context.Background(), opts, source, typ)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.Status, "%s %s: %s", source, typ, res.Body)
			var a answer
			require.NoError(t, json.Unmarshal([]byte(res.Body), &a))
			_, routed := workflows.FindRoute(workflows.DefaultRoutes(), source, typ)
			if !routed {
				assert.True(t, a.Ignored, "%s %s has no workflow", source, typ)
				continue
			}
			want, err := ingress.WorkflowIDFor(source, res.EventID)
			require.NoError(t, err)
			assert.Equal(t, want, a.WorkflowID)
			assert.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, waitClosed(t, a.WorkflowID), "%s %s", source, typ)
		}
	}
	_, err := ops.Trigger(context.Background(), opts, "stripe", "nope.nope")
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "payment_intent.succeeded"), "the error lists the samples")
}
