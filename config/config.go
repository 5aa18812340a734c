// Package config loads Switchyard's settings: defaults first, then the environment.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
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
//	SWITCHYARD_BODY_LIMIT       largest accepted body in bytes, every source without its own limit (default 2097152)
//	SWITCHYARD_BODY_LIMIT_<SRC> the same for one source, e.g. SWITCHYARD_BODY_LIMIT_GITHUB (GitHub's default: 26214400)
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
//	STRIPE_MOCK                 path of stripe-mock that `switchyard dev` runs when neither STRIPE_API_KEY nor STRIPE_API_BASE is set (default "./bin/stripe-mock")
//	SWITCHYARD_DEV_TEMPORAL_PORT  `switchyard dev`: Temporal gRPC port (default 7233)
//	SWITCHYARD_DEV_UI_PORT        `switchyard dev`: Temporal UI port (default 8233)
//	SWITCHYARD_DEV_STRIPE_PORT    `switchyard dev`: stripe-mock port (default 12111)
//	HUBSPOT_CLIENT_SECRET       HubSpot app client secrets, comma-separated; set: /v1/webhooks/hubspot is served
//	SLACK_SIGNING_SECRET        Slack app signing secrets, comma-separated; set: /v1/webhooks/slack is served
//	SHOPIFY_CLIENT_SECRET       Shopify app client secrets, comma-separated; set: /v1/webhooks/shopify is served
//	SWITCHYARD_TRUSTED_PROXIES  CIDRs of reverse proxies whose X-Forwarded-* headers are believed (default none)
//	SWITCHYARD_CONFIG           path of the configuration file (switchyard.yaml, see File); when set, the
//	                            file's sources are the ones served and its routes come before the built-in ones
//	SWITCHYARD_PAYLOAD_STORE    blob store for payloads too large for history: file:///dir, s3://…, gs://…, azblob://…
//	                            (default: file:// under SWITCHYARD_DATA_DIR/payloads); ingress and worker must share it
//	SWITCHYARD_PAYLOAD_THRESHOLD payloads of at least this many bytes go to the store (default 262144)
//	SWITCHYARD_PPROF_ADDR       if set, serve net/http/pprof there (loopback only; for `make bench` profiling)
//	SWITCHYARD_CRM              CRM backend of the CRM activities, e.g. "hubspot" (default: the one whose
//	                            credential is set; none set: CRM disabled). A backend reads its own variables,
//	                            listed here, through Setting:
//	HUBSPOT_TOKEN               HubSpot private app token for the CRM activities (unset: HubSpot disabled)
//	HUBSPOT_API_URL             HubSpot API base URL (default "https://api.hubapi.com")
//	HUBSPOT_DEAL_STAGE_REFUNDED deal stage ID for refunded payments (default "closedlost")
//	SLACK_BOT_TOKEN             Slack bot token (xoxb-…) for the Slack activities
//	SLACK_WEBHOOK_URL           Slack incoming-webhook URL, used when SLACK_BOT_TOKEN is unset
//	SLACK_CHANNEL               channel the workflows post to with the bot token (default "#payments")
//	SLACK_API_URL               Slack Web API base URL (default "https://slack.com/api/")
//	SWITCHYARD_SLACK_CUSTOMER_CHANNELS channels told about every Stripe customer change (customer.updated,
//	                            invoice.paid), comma-separated names or IDs; default none
//	SWITCHYARD_RATE_<NAME>      activities per second on one integration's task queue, NAME one of
//	                            STRIPE (default 25), GITHUB (1.3), CRM (10), SLACK (1); see DefaultRates
//	SWITCHYARD_API_TOKEN        bearer token of the read API (/v1/events); unset: the read API is not served
//	SWITCHYARD_WORKER_METRICS_ADDR where the worker serves /metrics (default ":9090"; "off" disables)
//	SWITCHYARD_URL              the ingress `switchyard trigger` posts to (default "http://127.0.0.1:8080")
//	SWITCHYARD_RECONCILE_INTERVAL how often the worker's reconciliation schedules run (default "15m"; "off" creates none)
//	SWITCHYARD_RECONCILE_WINDOW how far back a reconciliation with no watermark looks (default "1h")
//	GITHUB_RECONCILE_HOOKS      hooks whose failed deliveries are redelivered: owner/repo:hook-id or org:hook-id, comma-separated
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

	DevTemporalPort      int
	DevUIPort            int
	DevStripePort        int
	HubSpotClientSecrets []string
	SlackSigningSecrets  []string
	ShopifyClientSecrets []string
	TrustedProxies       []netip.Prefix
	ConfigFile           string
	File                 *File  // nil without SWITCHYARD_CONFIG
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
	// SlackCustomerChannels get one message per customer sync, in this
	// order, duplicates removed.
	SlackCustomerChannels []string
	// CRM names the CRM backend; empty: the one whose credential is set.
	CRM string
	// Rates are activities per second per integration task queue, by
	// lower-case integration name (stripe, github, crm, slack).
	Rates map[string]float64

	APIToken          string
	WorkerMetricsAddr string
	URL               string

	ReconcileInterval    time.Duration // 0: no reconciliation schedules
	ReconcileWindow      time.Duration
	GitHubReconcileHooks []string

	// lookup is the environment Load read, for the variables Setting
	// finds no field for (nil in a Config built in code).
	lookup Lookup
}

// DefaultRates are the providers' documented limits, as activities per
// second on each integration's task queue (one activity is one API call,
// except the Slack post, which first reads one or two pages of history):
//   - stripe 25: Stripe allows 25 requests/s in test mode and 100 in live
//     mode (docs.stripe.com/rate-limits); 25 is safe for both.
//   - github 1.3: 5,000 requests/hour for a token (docs.github.com, "Rate
//     limits for the REST API"; go-github's Rate carries it) is 1.39/s.
//   - crm 10: HubSpot private apps get 100 requests per 10 s on Free/Starter
//     (190 on Professional/Enterprise; developers.hubspot.com, API usage
//     guidelines).
//   - slack 1: chat.postMessage allows about one message per second per
//     channel, and incoming webhooks one per second (api.slack.com, rate limits).
//     The history read before each post is under conversations.history's own
//     limit, Tier 3 (50+ per minute), which a sustained 1 post/s with two
//     pages can exceed; its 429s carry Retry-After and are retried. (Slack
//     apps distributed outside the Marketplace get far less since 2025.)
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

		DevTemporalPort:   7233,
		DevUIPort:         8233,
		DevStripePort:     12111,
		HubSpotAPIURL:     "https://api.hubapi.com",
		SlackChannel:      "#payments",
		SlackAPIURL:       "https://slack.com/api/",
		Rates:             DefaultRates(),
		WorkerMetricsAddr: ":9090",
		URL:               "http://127.0.0.1:8080",
		ReconcileInterval: 15 * time.Minute,
		ReconcileWindow:   time.Hour,
		PayloadThreshold:  DefaultPayloadThreshold,
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
	str("SWITCHYARD_CRM", &c.CRM)
	c.CRM = strings.ToLower(c.CRM)
	if v, ok := lookup("SWITCHYARD_SLACK_CUSTOMER_CHANNELS"); ok {
		for _, ch := range SplitList(v) {
			if !slices.Contains(c.SlackCustomerChannels, ch) {
				c.SlackCustomerChannels = append(c.SlackCustomerChannels, ch)
			}
		}
	}
	c.lookup = lookup
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
	str("SWITCHYARD_API_TOKEN", &c.APIToken)
	str("SWITCHYARD_WORKER_METRICS_ADDR", &c.WorkerMetricsAddr)
	str("SWITCHYARD_URL", &c.URL)
	if v, ok := lookup("GITHUB_RECONCILE_HOOKS"); ok {
		c.GitHubReconcileHooks = SplitList(v)
	}
	if v, ok := lookup("SWITCHYARD_RECONCILE_INTERVAL"); ok {
		if strings.TrimSpace(v) == "off" {
			c.ReconcileInterval = 0
		} else if d, err := time.ParseDuration(strings.TrimSpace(v)); err != nil || d < time.Minute {
			errs = append(errs, fmt.Errorf("SWITCHYARD_RECONCILE_INTERVAL: want a duration of at least 1m, or off, got %q", v))
		} else {
			c.ReconcileInterval = d
		}
	}
	if v, ok := lookup("SWITCHYARD_RECONCILE_WINDOW"); ok {
		if d, err := time.ParseDuration(strings.TrimSpace(v)); err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("SWITCHYARD_RECONCILE_WINDOW: want a positive duration such as 1h, got %q", v))
		} else {
			c.ReconcileWindow = d
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
	for key, dst := range map[string]*int{
		"SWITCHYARD_DEV_TEMPORAL_PORT": &c.DevTemporalPort,
		"SWITCHYARD_DEV_UI_PORT":       &c.DevUIPort,
		"SWITCHYARD_DEV_STRIPE_PORT":   &c.DevStripePort,
	} {
		if v, ok := lookup(key); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 || n > 65535 {
				errs = append(errs, fmt.Errorf("%s: want a TCP port, got %q", key, v))
				continue
			}
			*dst = n
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
	errs = append(errs, c.loadSources(lookup))
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("SWITCHYARD_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	return c, errors.Join(errs...)
}

// Setting returns one variable's value by name, for code that reads its
// variables by name (a CRM backend): the field it was loaded into when
// Config has one, so a Config set in code is honoured, else the environment
// Load read, trimmed. Unset: "".
func (c Config) Setting(key string) string {
	fields := map[string]string{
		"HUBSPOT_TOKEN":               c.HubSpotToken,
		"HUBSPOT_API_URL":             c.HubSpotAPIURL,
		"HUBSPOT_DEAL_STAGE_REFUNDED": c.HubSpotStageRefunded,
	}
	if v, ok := fields[key]; ok {
		return v
	}
	if c.lookup == nil {
		return ""
	}
	v, _ := c.lookup(key)
	return strings.TrimSpace(v)
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
	if c.File != nil {
		return nil // ParseFile already required every declared source's secret
	}
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

// loadSources reads the variables of the sources added after the foundation
// and the configuration file, if any.
func (c *Config) loadSources(lookup Lookup) error {
	for key, dst := range map[string]*[]string{
		"HUBSPOT_CLIENT_SECRET": &c.HubSpotClientSecrets,
		"SLACK_SIGNING_SECRET":  &c.SlackSigningSecrets,
		"SHOPIFY_CLIENT_SECRET": &c.ShopifyClientSecrets,
	} {
		if v, ok := lookup(key); ok {
			*dst = SplitList(v)
		}
	}
	var errs []error
	if v, ok := lookup("SWITCHYARD_TRUSTED_PROXIES"); ok {
		p, err := parsePrefixes("SWITCHYARD_TRUSTED_PROXIES", SplitList(v))
		c.TrustedProxies = p
		errs = append(errs, err)
	}
	if v, ok := lookup("SWITCHYARD_CONFIG"); ok && strings.TrimSpace(v) != "" {
		c.ConfigFile = strings.TrimSpace(v)
		f, err := LoadFile(c.ConfigFile, lookup)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		c.File = f
	}
	return errors.Join(errs...)
}
