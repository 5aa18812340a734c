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

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
	"github.com/switchyard/switchyard/workflows"
)

// Every sample `switchyard trigger` sends is accepted by the real ingress
// and, where a route exists, runs to completion. Stripe and GitHub go to the
// stack's ingress and its built-in workflows; the other schemes to the one
// sourcesYAML configures, whose routes start echo workflows.
func TestTriggerEverySample(t *testing.T) {
	configured := configuredIngress(t)
	file, err := config.ParseFile([]byte(sourcesYAML), func(string) (string, bool) { return "unused", true })
	require.NoError(t, err)
	configuredRoutes := ingress.RoutesFromConfig(config.Config{File: file})

	opts := ops.TriggerOptions{StripeSecret: stripeSecret, GitHubSecret: githubSecret, GitHubHookID: "77",
		HubSpotSecret: hubspotSecret, SlackSecret: slackSecret, ShopifySecret: shopifySecret,
		StandardWebhooks: map[string]string{"acme": acmeOld}} // the secret being retired still signs
	for scheme, types := range ops.SampleTypes() {
		source, routes := scheme, workflows.DefaultRoutes()
		opts.URL = stack.ingress.URL
		if scheme != "stripe" && scheme != "github" {
			opts.URL, routes = configured, configuredRoutes
		}
		if scheme == "standard-webhooks" {
			source = "acme"
		}
		for _, typ := range types {
			res, err := ops.Trigger(context.Background(), opts, source, typ)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.Status, "%s %s: %s", source, typ, res.Body)
			var a answer
			require.NoError(t, json.Unmarshal([]byte(res.Body), &a))
			_, routed := workflows.FindRoute(routes, source, typ)
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
	opts.URL = stack.ingress.URL
	_, err = ops.Trigger(context.Background(), opts, "stripe", "nope.nope")
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "payment_intent.succeeded"), "the error lists the samples")
}
