package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func lookup(env map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestRatesDefaultAndOverride(t *testing.T) {
	c, err := config.Load(lookup(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, config.DefaultRates(), c.Rates)

	c, err = config.Load(lookup(map[string]string{"SWITCHYARD_RATE_CRM": "19", "SWITCHYARD_RATE_SLACK": "0.5",
		"HUBSPOT_TOKEN": "pat-x", "SLACK_WEBHOOK_URL": "https://hooks.example/x"}), nil)
	require.NoError(t, err)
	assert.Equal(t, 19.0, c.Rates["crm"])
	assert.Equal(t, 0.5, c.Rates["slack"])
	assert.Equal(t, 25.0, c.Rates["stripe"], "others keep their defaults")
	assert.Equal(t, "pat-x", c.HubSpotToken)
	assert.Equal(t, "https://hooks.example/x", c.SlackWebhookURL)

	_, err = config.Load(lookup(map[string]string{"SWITCHYARD_RATE_GITHUB": "fast"}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SWITCHYARD_RATE_GITHUB")
	_, err = config.Load(lookup(map[string]string{"SWITCHYARD_RATE_STRIPE": "0"}), nil)
	require.Error(t, err, "a zero rate would stop the queue")
}
