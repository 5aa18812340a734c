package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func lookup(env map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func environ(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(lookup(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, ":8080", c.HTTPAddr)
	assert.Equal(t, int64(config.DefaultBodyLimit), c.BodyLimitFor("stripe"))
	assert.Equal(t, 5*time.Second, c.StartTimeout)
	assert.Error(t, c.RequireWebhookSecrets(), "no secrets: the ingress must refuse to start")
}

func TestLoadFromEnvironment(t *testing.T) {
	env := map[string]string{
		"SWITCHYARD_HTTP_ADDR":         "127.0.0.1:9999",
		"STRIPE_WEBHOOK_SECRET":        " whsec_new , whsec_old ,",
		"GITHUB_WEBHOOK_SECRET":        "gh1",
		"SWITCHYARD_BODY_LIMIT":        "1000",
		"SWITCHYARD_BODY_LIMIT_GITHUB": "26214400",
		"SWITCHYARD_START_TIMEOUT":     "750ms",
		"SWITCHYARD_DEV_TEMPORAL_PORT": "17233",
		"STRIPE_API_BASE":              "http://127.0.0.1:12111",
	}
	c, err := config.Load(lookup(env), environ(env))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9999", c.HTTPAddr)
	assert.Equal(t, []string{"whsec_new", "whsec_old"}, c.StripeWebhookSecrets, "a list, for rotation")
	assert.Equal(t, int64(1000), c.BodyLimitFor("stripe"))
	assert.Equal(t, int64(26214400), c.BodyLimitFor("github"))
	assert.Equal(t, 750*time.Millisecond, c.StartTimeout)
	assert.Equal(t, 17233, c.DevTemporalPort)
	assert.NoError(t, c.RequireWebhookSecrets())
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	env := map[string]string{
		"SWITCHYARD_BODY_LIMIT":        "lots",
		"SWITCHYARD_BODY_LIMIT_STRIPE": "-1",
		"SWITCHYARD_START_TIMEOUT":     "soon",
		"SWITCHYARD_LOG_LEVEL":         "loud",
		"SWITCHYARD_DEV_UI_PORT":       "70000",
	}
	_, err := config.Load(lookup(env), environ(env))
	require.Error(t, err)
	for k := range env {
		assert.Contains(t, err.Error(), k)
	}
}
