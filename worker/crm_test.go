package worker_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/worker"
)

func TestSelectCRM(t *testing.T) {
	load := func(t *testing.T, env map[string]string) config.Config {
		t.Helper()
		cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
		require.NoError(t, err)
		return cfg
	}
	t.Run("hubspot by its token", func(t *testing.T) {
		t.Parallel()
		c, err := worker.SelectCRM(load(t, map[string]string{"HUBSPOT_TOKEN": "pat-na1-x"}))
		require.NoError(t, err)
		assert.Equal(t, "hubspot", c.Name)
		assert.IsType(t, &activities.HubSpot{}, c.Backend)
		assert.Equal(t, "hubspot", c.Backend.Name())
	})
	t.Run("hubspot by name", func(t *testing.T) {
		t.Parallel()
		c, err := worker.SelectCRM(load(t, map[string]string{"SWITCHYARD_CRM": "hubspot", "HUBSPOT_TOKEN": "pat-na1-x"}))
		require.NoError(t, err)
		assert.Equal(t, "hubspot", c.Name)
		assert.NotNil(t, c.Backend)
	})
	t.Run("none configured: disabled, naming the variable", func(t *testing.T) {
		t.Parallel()
		c, err := worker.SelectCRM(load(t, nil))
		require.NoError(t, err)
		assert.Nil(t, c.Backend)
		assert.Equal(t, "HUBSPOT_TOKEN", c.Missing)
	})
	t.Run("named but without its credential: disabled", func(t *testing.T) {
		t.Parallel()
		c, err := worker.SelectCRM(load(t, map[string]string{"SWITCHYARD_CRM": "hubspot"}))
		require.NoError(t, err)
		assert.Nil(t, c.Backend)
		assert.Equal(t, "HUBSPOT_TOKEN", c.Missing)
	})
	t.Run("unknown name", func(t *testing.T) {
		t.Parallel()
		_, err := worker.SelectCRM(load(t, map[string]string{"SWITCHYARD_CRM": "salesforce", "HUBSPOT_TOKEN": "pat-na1-x"}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `SWITCHYARD_CRM: unknown CRM "salesforce" (want one of hubspot)`)
	})
	t.Run("bad URL", func(t *testing.T) {
		t.Parallel()
		_, err := worker.SelectCRM(load(t, map[string]string{"HUBSPOT_TOKEN": "pat-na1-x", "HUBSPOT_API_URL": "api.hubapi.com"}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "HUBSPOT_API_URL")
	})
}

// A worker without CRM credentials starts, says so, and a CRM activity
// fails non-retryably naming the variable.
func TestNewActivitiesDisablesCRMWithoutCredentials(t *testing.T) {
	var logs bytes.Buffer
	acts, err := worker.NewActivities(config.Default(), slog.New(slog.NewTextHandler(&logs, nil)))
	require.NoError(t, err)
	assert.Contains(t, logs.String(), `msg="integration disabled: credentials not set" integration=crm variable=HUBSPOT_TOKEN`)
	_, err = acts.CRM.UpsertCRMContact(context.Background(), activities.UpsertContactInput{Email: "a@example.com"})
	require.Error(t, err)
	assert.True(t, activities.IsNonRetryable(err))
	assert.Contains(t, err.Error(), "HUBSPOT_TOKEN is not set")
}
