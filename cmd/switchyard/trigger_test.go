package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ops"
)

func loadConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	require.NoError(t, err)
	return cfg
}

func TestTriggerSignsWithTheIngressSecrets(t *testing.T) {
	t.Parallel()
	// Nothing configured: the secrets `switchyard dev` serves with.
	opts := triggerOptions(loadConfig(t, nil))
	assert.Equal(t, devStripeSecret, opts.StripeSecret)
	assert.Equal(t, devGitHubSecret, opts.GitHubSecret)
	assert.Equal(t, devHubSpotSecret, opts.HubSpotSecret)
	assert.Equal(t, devSlackSecret, opts.SlackSecret)
	assert.Equal(t, devShopifySecret, opts.ShopifySecret)
	assert.Empty(t, opts.StandardWebhooks)

	// The environment: the first secret of each list.
	opts = triggerOptions(loadConfig(t, map[string]string{
		"STRIPE_WEBHOOK_SECRET": "whsec_a,whsec_b", "SLACK_SIGNING_SECRET": "slack-a", "SWITCHYARD_URL": "http://ingress:9000",
	}))
	assert.Equal(t, "whsec_a", opts.StripeSecret)
	assert.Equal(t, "slack-a", opts.SlackSecret)
	assert.Equal(t, devHubSpotSecret, opts.HubSpotSecret)
	assert.Equal(t, "http://ingress:9000", opts.URL)

	// A configuration file: its sources, Standard Webhooks ones by name.
	path := filepath.Join(t.TempDir(), "switchyard.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
sources:
  - {name: shopify, scheme: shopify, secret_env: MY_SHOPIFY}
  - {name: acme, scheme: standard-webhooks, secret_env: ACME_SECRET}
`), 0o600))
	cfg := loadConfig(t, map[string]string{"SWITCHYARD_CONFIG": path, "MY_SHOPIFY": "shop-1,shop-0", "ACME_SECRET": "whsec_c2VjcmV0"})
	opts = triggerOptions(cfg)
	assert.Equal(t, "shop-1", opts.ShopifySecret)
	assert.Equal(t, map[string]string{"acme": "whsec_c2VjcmV0"}, opts.StandardWebhooks)

	usage := triggerUsage(cfg)
	for src, types := range ops.SampleTypes() {
		assert.Contains(t, usage, strings.Join(types, ", "), src)
	}
	assert.Contains(t, usage, "standard-webhooks source of the configuration file (acme)")
	assert.Equal(t, usage, triggerUsage(cfg), "the usage is stable")
}
