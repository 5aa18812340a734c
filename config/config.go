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
//	SWITCHYARD_PPROF_ADDR       if set, serve net/http/pprof there (loopback only; for `make bench` profiling)
//	HUBSPOT_TOKEN               HubSpot private app token for the CRM activities (unset: CRM disabled)
//	HUBSPOT_API_URL             HubSpot API base URL (default "https://api.hubapi.com")
//	HUBSPOT_DEAL_STAGE_REFUNDED deal stage ID for refunded payments (default "closedlost")
//	SLACK_BOT_TOKEN             Slack bot token (xoxb-…) for the Slack activities
//	SLACK_WEBHOOK_URL           Slack incoming-webhook URL, used when SLACK_BOT_TOKEN is unset
//	SLACK_CHANNEL               channel the workflows post to with the bot token (default "#payments")
//	SLACK_API_URL               Slack Web API base URL (default "https://slack.com/api/")
//	SWITCHYARD_RATE_<NAME>      activities per second on one integration's task queue, NAME one of
//	                            STRIPE (default 25), GITHUB (1.3), CRM (10), SLACK (1); see DefaultRates
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

	PayloadStore         string // blob URL; empty: a folder under DataDir
	PayloadThreshold     int    // bytes
	PprofAddr            string // empty: no profiling endpoint
	HubSpotToken         string
	HubSpotAPIURL        string
	HubSpotStageRefunded string
	SlackBotToken        string
	SlackWebhookURL      string
	SlackChannel         string
	SlackAPIURL          string
	// Rates are activities per second per integration task queue, by
	// lower-case integration name (stripe, github, crm, slack).
	Rates map[string]float64
}

// DefaultRates are the providers' documented limits, as activities per
// second on each integration's task queue (one activity is one API call,
// except the Slack post, which first reads history under a separate, higher
// limit):
//   - stripe 25: Stripe allows 25 requests/s in test mode and 100 in live
//     mode (docs.stripe.com/rate-limits); 25 is safe for both.
//   - github 1.3: 5,000 requests/hour for a token (docs.github.com, "Rate
//     limits for the REST API"; go-github's Rate carries it) is 1.39/s.
//   - crm 10: HubSpot private apps get 100 requests per 10 s on Free/Starter
//     (190 on Professional/Enterprise; developers.hubspot.com, API usage
//     guidelines).
//   - slack 1: chat.postMessage allows about one message per second per
//     channel, and incoming webhooks one per second (api.slack.com, rate limits).
func DefaultRates() map[string]float64 {
	return map[string]float64{"stripe": 25, "github": 1.3, "crm": 10, "slack": 1}
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
		HubSpotAPIURL:    "https://api.hubapi.com",
		SlackChannel:     "#payments",
		SlackAPIURL:      "https://slack.com/api/",
		Rates:            DefaultRates(),
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
	str("HUBSPOT_TOKEN", &c.HubSpotToken)
	str("HUBSPOT_API_URL", &c.HubSpotAPIURL)
	str("HUBSPOT_DEAL_STAGE_REFUNDED", &c.HubSpotStageRefunded)
	str("SLACK_BOT_TOKEN", &c.SlackBotToken)
	str("SLACK_WEBHOOK_URL", &c.SlackWebhookURL)
	str("SLACK_CHANNEL", &c.SlackChannel)
	str("SLACK_API_URL", &c.SlackAPIURL)
	for name := range c.Rates {
		key := "SWITCHYARD_RATE_" + strings.ToUpper(name)
		if v, ok := lookup(key); ok {
			r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || r <= 0 {
				errs = append(errs, fmt.Errorf("%s: want a positive number of activities per second, got %q", key, v))
				continue
			}
			c.Rates[name] = r
		}
	}
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
	str("SWITCHYARD_PPROF_ADDR", &c.PprofAddr)
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
