package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func TestSlackCustomerChannels(t *testing.T) {
	c, err := config.Load(lookup(nil), nil)
	require.NoError(t, err)
	assert.Empty(t, c.SlackCustomerChannels, "customer changes are posted nowhere unless asked")

	c, err = config.Load(lookup(map[string]string{"SWITCHYARD_SLACK_CUSTOMER_CHANNELS": " #sales, C0SUCCESS,,#sales "}), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"#sales", "C0SUCCESS"}, c.SlackCustomerChannels, "in order, blanks and duplicates dropped")
}

func TestCRMSetting(t *testing.T) {
	c, err := config.Load(lookup(map[string]string{"SWITCHYARD_CRM": "HubSpot", "HUBSPOT_TOKEN": "pat-x",
		"SALESFORCE_INSTANCE_URL": " https://acme.my.salesforce.com "}), nil)
	require.NoError(t, err)
	assert.Equal(t, "hubspot", c.CRM)
	assert.Equal(t, "pat-x", c.Setting("HUBSPOT_TOKEN"))
	assert.Equal(t, "https://api.hubapi.com", c.Setting("HUBSPOT_API_URL"), "defaults apply")
	assert.Equal(t, "https://acme.my.salesforce.com", c.Setting("SALESFORCE_INSTANCE_URL"),
		"a backend's own variable, with no field, comes from the environment")
	assert.Empty(t, c.Setting("SALESFORCE_TOKEN"))

	c = config.Default()
	c.HubSpotToken = "pat-set-in-code"
	assert.Equal(t, "pat-set-in-code", c.Setting("HUBSPOT_TOKEN"), "a field set in code wins")
	assert.Empty(t, c.Setting("SALESFORCE_INSTANCE_URL"), "no environment read")
}
