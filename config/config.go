// Package config loads Switchyard's settings: defaults first, then the environment.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultBodyLimit is the largest webhook body accepted by default. It stays
// below Temporal's 2 MB payload limit so that an accepted event always fits in
// the workflow's input.
const DefaultBodyLimit = 2 << 20

// Config is everything Switchyard reads from its environment. Temporal client
// settings are not here: they follow Temporal's own environment configuration
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_PROFILE,
// TEMPORAL_CONFIG_FILE, TLS variables) through sdk/contrib/envconfig.
//
// Variables:
//
//	SWITCHYARD_HTTP_ADDR        ingress listen address (default ":8080")
//	SWITCHYARD_BODY_LIMIT       largest accepted body in bytes, every source (default 2097152)
//	SWITCHYARD_BODY_LIMIT_<SRC> the same for one source, e.g. SWITCHYARD_BODY_LIMIT_GITHUB
//	SWITCHYARD_START_TIMEOUT    how long the ingress waits for Temporal to record a start (default "5s")
//	SWITCHYARD_DATA_DIR         where `switchyard dev` keeps Temporal's database (default ".switchyard")
//	SWITCHYARD_LOG_LEVEL        debug, info, warn or error (default "info")
//	STRIPE_WEBHOOK_SECRET       Stripe endpoint signing secrets, comma-separated (whsec_…)
//	GITHUB_WEBHOOK_SECRET       GitHub webhook secrets, comma-separated
//	STRIPE_API_KEY              Stripe secret key used by the worker's activities
//	STRIPE_API_BASE             Stripe API base URL (default "https://api.stripe.com")
//	GITHUB_TOKEN                GitHub token used by the worker's activities
//	GITHUB_API_URL              GitHub REST API base URL (default "https://api.github.com/")
//	TEMPORAL_CLI                path of the Temporal CLI that `switchyard dev` runs (default "./bin/temporal")
//	STRIPE_MOCK                 path of stripe-mock that `switchyard dev` runs when STRIPE_API_KEY is unset (default "./bin/stripe-mock")
//	SWITCHYARD_PAYLOAD_STORE    blob store for payloads too large for history: file:///dir, s3://…, gs://…, azblob://…
//	                            (default: file:// under SWITCHYARD_DATA_DIR/payloads); ingress and worker must share it
//	SWITCHYARD_PAYLOAD_THRESHOLD payloads of at least this many bytes go to the store (default 262144)
//
// Secrets given as lists let an operator rotate a secret without downtime: add
// the new one, switch the sender, then remove the old one.
type Config struct {
	HTTPAddr     string
	BodyLimit    int64
	BodyLimits   map[string]int64 // per source, by lower-case source name
	StartTimeout time.Duration
	DataDir      string
	LogLevel     string

	StripeWebhookSecrets []string
	GitHubWebhookSecrets []string

	StripeAPIKey  string
	StripeAPIBase string
	GitHubToken   string
	GitHubAPIURL  string

	TemporalCLI string
	StripeMock  string

	PayloadStore     string // blob URL; empty: a folder under DataDir
	PayloadThreshold int    // bytes
}

// DefaultGitHubBodyLimit is GitHub's own cap on a delivery (25 MB). Bodies
// above the payload threshold are kept outside workflow history, so they may
// exceed Temporal's 2 MB payload limit.
const DefaultGitHubBodyLimit = 25 << 20

// DefaultPayloadThreshold is the size from which a payload is stored outside history.
const DefaultPayloadThreshold = 256 << 10

// Default returns the configuration used when the environment says nothing.
func Default() Config {
	return Config{
		HTTPAddr:      ":8080",
		BodyLimit:     DefaultBodyLimit,
		BodyLimits:    map[string]int64{"github": DefaultGitHubBodyLimit},
		StartTimeout:  5 * time.Second,
		DataDir:       ".switchyard",
		LogLevel:      "info",
		StripeAPIBase: "https://api.stripe.com",
		GitHubAPIURL:  "https://api.github.com/",
		TemporalCLI:   "./bin/temporal",
		StripeMock:    "./bin/stripe-mock",

		PayloadThreshold: DefaultPayloadThreshold,
	}
}

// Lookup reads one variable; os.LookupEnv in production, a map in tests.
type Lookup func(key string) (string, bool)

// FromEnv returns Default() overridden by the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv, os.Environ()) }

// Load returns Default() overridden by lookup. environ lists KEY=VALUE pairs and
// is only scanned for the per-source SWITCHYARD_BODY_LIMIT_<SRC> variables.
func Load(lookup Lookup, environ []string) (Config, error) {
	c := Default()
	var errs []error
	str := func(key string, dst *string) {
		if v, ok := lookup(key); ok && strings.TrimSpace(v) != "" {
			*dst = strings.TrimSpace(v)
		}
	}
	str("SWITCHYARD_HTTP_ADDR", &c.HTTPAddr)
	str("SWITCHYARD_DATA_DIR", &c.DataDir)
	str("SWITCHYARD_LOG_LEVEL", &c.LogLevel)
	str("STRIPE_API_KEY", &c.StripeAPIKey)
	str("STRIPE_API_BASE", &c.StripeAPIBase)
	str("GITHUB_TOKEN", &c.GitHubToken)
	str("GITHUB_API_URL", &c.GitHubAPIURL)
	str("TEMPORAL_CLI", &c.TemporalCLI)
	str("STRIPE_MOCK", &c.StripeMock)
	if v, ok := lookup("STRIPE_WEBHOOK_SECRET"); ok {
		c.StripeWebhookSecrets = SplitList(v)
	}
	if v, ok := lookup("GITHUB_WEBHOOK_SECRET"); ok {
		c.GitHubWebhookSecrets = SplitList(v)
	}
	if v, ok := lookup("SWITCHYARD_BODY_LIMIT"); ok {
		n, err := parseSize("SWITCHYARD_BODY_LIMIT", v)
		errs = append(errs, err)
		if err == nil {
			c.BodyLimit = n
		}
	}
	const perSource = "SWITCHYARD_BODY_LIMIT_"
	for _, kv := range environ {
		key, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(key, perSource) || len(key) == len(perSource) {
			continue
		}
		n, err := parseSize(key, val)
		errs = append(errs, err)
		if err == nil {
			c.BodyLimits[strings.ToLower(strings.TrimPrefix(key, perSource))] = n
		}
	}
	if v, ok := lookup("SWITCHYARD_START_TIMEOUT"); ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("SWITCHYARD_START_TIMEOUT: want a positive duration such as 5s, got %q", v))
		} else {
			c.StartTimeout = d
		}
	}
	str("SWITCHYARD_PAYLOAD_STORE", &c.PayloadStore)
	if v, ok := lookup("SWITCHYARD_PAYLOAD_THRESHOLD"); ok {
		n, err := parseSize("SWITCHYARD_PAYLOAD_THRESHOLD", v)
		errs = append(errs, err)
		if err == nil {
			c.PayloadThreshold = int(n)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("SWITCHYARD_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	return c, errors.Join(errs...)
}

// BodyLimitFor is the body limit of one source: its own if set, else the global one.
func (c Config) BodyLimitFor(source string) int64 {
	if n, ok := c.BodyLimits[strings.ToLower(source)]; ok {
		return n
	}
	return c.BodyLimit
}

// RequireWebhookSecrets fails closed: the ingress must not start with a source
// whose signatures it cannot check.
func (c Config) RequireWebhookSecrets() error {
	var errs []error
	if len(c.StripeWebhookSecrets) == 0 {
		errs = append(errs, errors.New("STRIPE_WEBHOOK_SECRET is not set: the ingress refuses to accept unverifiable Stripe events"))
	}
	if len(c.GitHubWebhookSecrets) == 0 {
		errs = append(errs, errors.New("GITHUB_WEBHOOK_SECRET is not set: the ingress refuses to accept unverifiable GitHub events"))
	}
	return errors.Join(errs...)
}

// SplitList splits a comma-separated list, dropping blanks.
func SplitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func parseSize(key, v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: want a positive number of bytes, got %q", key, v)
	}
	return n, nil
}
