package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
)

// devEnv loads a configuration as `switchyard dev` would from this environment.
func devEnv(t *testing.T, env map[string]string) (config.Config, config.Lookup) {
	t.Helper()
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := config.Load(lookup, nil)
	require.NoError(t, err)
	return cfg, lookup
}

// Dev serves every built-in source. Each source's secret from the environment
// is kept (a rotation list too); an unset or blank one gets its dev default.
func TestDevDefaultsKeepSetSecrets(t *testing.T) {
	t.Parallel()
	defaults := map[string]string{
		"STRIPE_WEBHOOK_SECRET": devStripeSecret,
		"GITHUB_WEBHOOK_SECRET": devGitHubSecret,
		"HUBSPOT_CLIENT_SECRET": devHubSpotSecret,
		"SLACK_SIGNING_SECRET":  devSlackSecret,
		"SHOPIFY_CLIENT_SECRET": devShopifySecret,
	}
	for variable := range defaults {
		for name, tc := range map[string]struct {
			value string
			set   bool
			want  []string
		}{
			"set":      {value: "from-env", set: true, want: []string{"from-env"}},
			"rotation": {value: "new, old", set: true, want: []string{"new", "old"}},
			"unset":    {want: []string{defaults[variable]}},
			"blank":    {value: " ", set: true, want: []string{defaults[variable]}},
		} {
			t.Run(variable+"/"+name, func(t *testing.T) {
				t.Parallel()
				env := map[string]string{}
				if tc.set {
					env[variable] = tc.value
				}
				cfg, lookup := devEnv(t, env)
				got := map[string][]string{}
				for _, s := range devDefaults(cfg, lookup).Sources() {
					got[s.SecretEnv] = s.Secrets
				}
				require.Len(t, got, len(defaults), "dev serves every built-in source: %v", got)
				for v, def := range defaults {
					want := []string{def}
					if v == variable {
						want = tc.want
					}
					assert.Equal(t, want, got[v], v)
				}
			})
		}
	}
}

func TestDevDefaultsHTTPAddr(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"unset": {env: map[string]string{}, want: devHTTPAddr},
		"blank": {env: map[string]string{"SWITCHYARD_HTTP_ADDR": ""}, want: devHTTPAddr},
		"set":   {env: map[string]string{"SWITCHYARD_HTTP_ADDR": ":9999"}, want: ":9999"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, lookup := devEnv(t, tc.env)
			assert.Equal(t, tc.want, devDefaults(cfg, lookup).HTTPAddr)
		})
	}
}

// stripe-mock runs only when the environment names neither a Stripe key nor
// an API base; whatever the user set is kept.
func TestDevStripe(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want stripeSetup
	}{
		"nothing set: stripe-mock with the dev key": {
			env:  map[string]string{},
			want: stripeSetup{Key: devStripeKey, StartMock: true},
		},
		"blanks count as unset": {
			env:  map[string]string{"STRIPE_API_KEY": " ", "STRIPE_API_BASE": ""},
			want: stripeSetup{Key: devStripeKey, StartMock: true},
		},
		"base set, no key: the user's base with the dev key": {
			env:  map[string]string{"STRIPE_API_BASE": "http://127.0.0.1:12999"},
			want: stripeSetup{Key: devStripeKey, Base: "http://127.0.0.1:12999"},
		},
		"key set: Stripe itself": {
			env:  map[string]string{"STRIPE_API_KEY": "sk_test_user"},
			want: stripeSetup{Key: "sk_test_user", Base: config.Default().StripeAPIBase},
		},
		"key and base set: both kept": {
			env:  map[string]string{"STRIPE_API_KEY": "sk_test_user", "STRIPE_API_BASE": "http://stripe.internal"},
			want: stripeSetup{Key: "sk_test_user", Base: "http://stripe.internal"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, lookup := devEnv(t, tc.env)
			assert.Equal(t, tc.want, devStripe(cfg, lookup))
		})
	}
}
