package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func load(t *testing.T, env map[string]string) (config.Config, error) {
	t.Helper()
	return config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
}

func TestOperationsSettings(t *testing.T) {
	c, err := load(t, nil)
	require.NoError(t, err)
	assert.Equal(t, "", c.APIToken, "the read API is off by default")
	assert.Equal(t, ":9090", c.WorkerMetricsAddr)
	assert.Equal(t, "http://127.0.0.1:8080", c.URL)
	assert.Equal(t, 15*time.Minute, c.ReconcileInterval)
	assert.Equal(t, time.Hour, c.ReconcileWindow)

	c, err = load(t, map[string]string{
		"SWITCHYARD_API_TOKEN": " tok ", "SWITCHYARD_WORKER_METRICS_ADDR": "off", "SWITCHYARD_URL": "http://ingress:8080",
		"SWITCHYARD_RECONCILE_INTERVAL": "off", "SWITCHYARD_RECONCILE_WINDOW": "6h", "GITHUB_RECONCILE_HOOKS": "acme/app:1, acme:2",
	})
	require.NoError(t, err)
	assert.Equal(t, "tok", c.APIToken)
	assert.Equal(t, "off", c.WorkerMetricsAddr)
	assert.Equal(t, "http://ingress:8080", c.URL)
	assert.Zero(t, c.ReconcileInterval)
	assert.Equal(t, 6*time.Hour, c.ReconcileWindow)
	assert.Equal(t, []string{"acme/app:1", "acme:2"}, c.GitHubReconcileHooks)

	for key, bad := range map[string]string{"SWITCHYARD_RECONCILE_INTERVAL": "10s", "SWITCHYARD_RECONCILE_WINDOW": "-1h"} {
		_, err := load(t, map[string]string{key: bad})
		assert.ErrorContains(t, err, key)
	}
}
