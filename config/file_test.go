package config_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

func lookupIn(m map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleFileLoads(t *testing.T) {
	t.Parallel()
	// The committed example must stay valid; every secret variable it names is set here.
	env := map[string]string{
		"STRIPE_WEBHOOK_SECRET": "whsec_a", "GITHUB_WEBHOOK_SECRET": "g", "HUBSPOT_CLIENT_SECRET": "h",
		"SLACK_SIGNING_SECRET": "s", "SHOPIFY_CLIENT_SECRET": "sh", "ACME_WEBHOOK_SECRET": "whsec_bmV3,whsec_b2xk",
		"SWITCHYARD_CONFIG": filepath.Join("..", "switchyard.example.yaml"),
	}
	cfg, err := config.Load(lookupIn(env), nil)
	require.NoError(t, err)
	require.NotNil(t, cfg.File)
	srcs := cfg.Sources()
	require.Len(t, srcs, 6)
	var acme config.SourceFile
	for _, s := range srcs {
		if s.Name == "acme" {
			acme = s
		}
	}
	assert.Equal(t, "standard-webhooks", acme.Scheme)
	assert.Equal(t, []string{"whsec_bmV3", "whsec_b2xk"}, acme.Secrets, "secrets come from the variable, comma-separated")
	assert.Equal(t, int64(262144), acme.BodyLimit)
	assert.NotEmpty(t, cfg.Routes())
	assert.NoError(t, cfg.RequireWebhookSecrets())
}

func TestParseFile(t *testing.T) {
	t.Parallel()
	env := lookupIn(map[string]string{"S1": "a, b", "S2": "c"})
	f, err := config.ParseFile([]byte(`
trusted_proxies: [10.0.0.0/8, 192.168.1.1]
sources:
  - name: acme
    scheme: standard-webhooks
    secret_env: S1
    allowed_cidrs: [192.30.252.0/22, 2001:db8::/32]
  - {name: hubspot, scheme: hubspot, secret_env: S2, body_limit: 1000}
routes:
  - {source: acme, event_type: "invoice.*", workflow: Invoice, task_queue: py}
`), env)
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.1/32")}, f.Proxies)
	require.Len(t, f.Sources, 2)
	assert.Equal(t, []string{"a", "b"}, f.Sources[0].Secrets)
	assert.Len(t, f.Sources[0].Allowed, 2)
	assert.Equal(t, int64(1000), f.Sources[1].BodyLimit)

	cfg := config.Default()
	cfg.File = f
	assert.Equal(t, int64(config.DefaultBodyLimit), cfg.Sources()[0].BodyLimit, "unset body_limit: the global limit")
	assert.Equal(t, f.Proxies, cfg.Proxies(), "the file's trusted_proxies win")
}

func TestParseFileErrorsNameTheField(t *testing.T) {
	t.Parallel()
	env := lookupIn(map[string]string{"S": "x"})
	tests := []struct{ name, yaml, want string }{
		{"typo in a field", "sources: [{name: a, scheme: slack, secret_envv: S}]", "field secret_envv not found"},
		{"no sources", "routes: []", "sources: at least one source"},
		{"bad name", "sources: [{name: Acme Corp, scheme: standard-webhooks, secret_env: S}]", "sources[0].name"},
		{"missing scheme", "sources: [{name: a, secret_env: S}]", "sources[0].scheme: required"},
		{"missing secret_env", "sources: [{name: a, scheme: slack}]", "sources[0].secret_env: required"},
		{"unset variable", "sources: [{name: a, scheme: slack, secret_env: NOPE}]", "sources[0].secret_env: variable NOPE is not set"},
		{"negative limit", "sources: [{name: a, scheme: slack, secret_env: S, body_limit: -1}]", "sources[0].body_limit"},
		{"bad CIDR", "sources: [{name: a, scheme: slack, secret_env: S, allowed_cidrs: [10.0.0.0/8, nope]}]", "sources[0].allowed_cidrs[1]"},
		{"bad proxy", "trusted_proxies: [x]\nsources: [{name: a, scheme: slack, secret_env: S}]", "trusted_proxies[0]"},
		{"duplicate name", "sources: [{name: a, scheme: slack, secret_env: S}, {name: a, scheme: slack, secret_env: S}]", "sources[1].name: \"a\" is declared twice"},
		{"route to unknown source", "sources: [{name: a, scheme: slack, secret_env: S}]\nroutes: [{source: b, event_type: x, workflow: W}]", "routes[0].source"},
		{"bad pattern", "sources: [{name: a, scheme: slack, secret_env: S}]\nroutes: [{source: a, event_type: \"[\", workflow: W}]", "routes[0].event_type"},
		{"missing workflow", "sources: [{name: a, scheme: slack, secret_env: S}]\nroutes: [{source: a, event_type: x}]", "routes[0].workflow: required"},
		{"not YAML", "sources: [", "yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.ParseFile([]byte(tc.yaml), env)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadStopsOnABadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "switchyard.yaml")
	require.NoError(t, os.WriteFile(path, []byte("sources: [{name: a, scheme: slack, secret_env: NOPE}]"), 0o600))
	_, err := config.Load(lookupIn(map[string]string{"SWITCHYARD_CONFIG": path}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "sources[0].secret_env")

	_, err = config.Load(lookupIn(map[string]string{"SWITCHYARD_CONFIG": path + ".missing"}), nil)
	assert.ErrorContains(t, err, "SWITCHYARD_CONFIG")
}

func TestEnvironmentSourcesWithoutAFile(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(lookupIn(map[string]string{
		"STRIPE_WEBHOOK_SECRET": "whsec_1", "GITHUB_WEBHOOK_SECRET": "g", "SLACK_SIGNING_SECRET": "s1,s2",
		"SWITCHYARD_TRUSTED_PROXIES": "10.0.0.0/8", "SWITCHYARD_BODY_LIMIT_SLACK": "4096",
	}), []string{"SWITCHYARD_BODY_LIMIT_SLACK=4096"})
	require.NoError(t, err)
	var names []string
	for _, s := range cfg.Sources() {
		names = append(names, s.Name)
		if s.Name == "slack" {
			assert.Equal(t, []string{"s1", "s2"}, s.Secrets)
			assert.Equal(t, int64(4096), s.BodyLimit)
		}
	}
	assert.Equal(t, []string{"stripe", "github", "slack"}, names)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, cfg.Proxies())
	assert.Empty(t, cfg.Routes())

	_, err = config.Load(lookupIn(map[string]string{"SWITCHYARD_TRUSTED_PROXIES": "10.0.0.0/33"}), nil)
	assert.ErrorContains(t, err, "SWITCHYARD_TRUSTED_PROXIES[0]")
}
