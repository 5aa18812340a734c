package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func TestPayloadStoreAndGitHubLimitDefaults(t *testing.T) {
	c, err := config.Load(lookup(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, int64(25<<20), c.BodyLimitFor("github"), "GitHub delivers up to 25 MB")
	assert.Equal(t, int64(2<<20), c.BodyLimitFor("stripe"))
	assert.Equal(t, 256<<10, c.PayloadThreshold)
	assert.Empty(t, c.PayloadStore, "empty: a folder under the data dir")

	env := map[string]string{"SWITCHYARD_PAYLOAD_STORE": "s3://bucket?region=eu-west-1", "SWITCHYARD_PAYLOAD_THRESHOLD": "1048576",
		"SWITCHYARD_BODY_LIMIT_GITHUB": "1000"}
	c, err = config.Load(lookup(env), []string{"SWITCHYARD_BODY_LIMIT_GITHUB=1000"})
	require.NoError(t, err)
	assert.Equal(t, "s3://bucket?region=eu-west-1", c.PayloadStore)
	assert.Equal(t, 1<<20, c.PayloadThreshold)
	assert.Equal(t, int64(1000), c.BodyLimitFor("github"))

	_, err = config.Load(lookup(map[string]string{"SWITCHYARD_PAYLOAD_THRESHOLD": "-5"}), nil)
	require.ErrorContains(t, err, "SWITCHYARD_PAYLOAD_THRESHOLD")
}
