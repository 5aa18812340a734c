package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// File is the optional configuration file (switchyard.yaml, path from
// SWITCHYARD_CONFIG). It declares the sources the ingress serves and the
// routes from their events to workflow types. Secrets are never in the file:
// each source names the environment variable that holds its secrets. Every
// field is described in the README's "Configuration file" section.
type File struct {
	// TrustedProxies are the CIDRs of reverse proxies in front of the ingress.
	// Only a request whose TCP peer is in one of them has its X-Forwarded-For,
	// X-Forwarded-Proto and X-Forwarded-Host believed. Overrides
	// SWITCHYARD_TRUSTED_PROXIES when set.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Proxies is TrustedProxies parsed by ParseFile.
	Proxies []netip.Prefix `yaml:"-"`
	// Sources are served at /v1/webhooks/{name}; only these are served.
	Sources []SourceFile `yaml:"sources"`
	// Routes are tried in order before the built-in routes.
	Routes []RouteFile `yaml:"routes"`
}

// SourceFile is one sender as the file declares it.
type SourceFile struct {
	// Name is the URL path segment and the workflow ID prefix. For a
	// provider scheme it is the scheme itself.
	Name string `yaml:"name"`
	// Scheme is how requests are verified: stripe, github, hubspot, slack,
	// shopify or standard-webhooks.
	Scheme string `yaml:"scheme"`
	// SecretEnv names the environment variable holding the secrets,
	// comma-separated while one is rotated.
	SecretEnv string `yaml:"secret_env"`
	// BodyLimit is the largest accepted body in bytes (default: the global limit).
	BodyLimit int64 `yaml:"body_limit"`
	// AllowedCIDRs, when set, are the only client addresses accepted; others get 403.
	AllowedCIDRs []string `yaml:"allowed_cidrs"`

	// Resolved by Load, never read from the file.
	Secrets []string       `yaml:"-"`
	Allowed []netip.Prefix `yaml:"-"`
	// Where names the declaration in error messages, e.g. "sources[2]".
	Where string `yaml:"-"`
}

// RouteFile sends one source's events whose type matches EventType to a
// workflow type on a task queue.
type RouteFile struct {
	Source    string `yaml:"source"`
	EventType string `yaml:"event_type"` // exact type or a path.Match pattern such as "contact.*"
	Workflow  string `yaml:"workflow"`   // workflow type name, in any language
	TaskQueue string `yaml:"task_queue"` // default "switchyard"
}

// sourceName is a URL path segment and workflow ID prefix that needs no escaping.
var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// LoadFile reads and validates the file at path, resolving each source's
// secrets through lookup.
func LoadFile(path string, lookup Lookup) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("SWITCHYARD_CONFIG: %w", err)
	}
	f, err := ParseFile(data, lookup)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range f.Sources { // later errors (ingress) name the file too
		f.Sources[i].Where = path + ": " + f.Sources[i].Where
	}
	return f, nil
}

// ParseFile decodes a configuration file strictly (an unknown field is an
// error, so a typo cannot silently disable a setting) and validates it. Every
// error names the field it is about, e.g. "sources[1].secret_env".
func ParseFile(data []byte, lookup Lookup) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	var errs []error
	var err error
	if f.Proxies, err = parsePrefixes("trusted_proxies", f.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	if len(f.Sources) == 0 {
		errs = append(errs, errors.New("sources: at least one source is required"))
	}
	names := map[string]bool{}
	for i := range f.Sources {
		s := &f.Sources[i]
		s.Where = fmt.Sprintf("sources[%d]", i)
		errs = append(errs, s.resolve(lookup))
		if names[s.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q is declared twice", s.Where, s.Name))
		}
		names[s.Name] = true
	}
	for i, r := range f.Routes {
		errs = append(errs, r.check(fmt.Sprintf("routes[%d]", i), names))
	}
	return &f, errors.Join(errs...)
}

func (s *SourceFile) resolve(lookup Lookup) error {
	var errs []error
	if !sourceName.MatchString(s.Name) {
		errs = append(errs, fmt.Errorf("%s.name: want lower-case letters, digits, '-' or '_' (at most 63), got %q", s.Where, s.Name))
	}
	if s.Scheme == "" {
		errs = append(errs, fmt.Errorf("%s.scheme: required", s.Where))
	}
	if s.BodyLimit < 0 {
		errs = append(errs, fmt.Errorf("%s.body_limit: want a positive number of bytes, got %d", s.Where, s.BodyLimit))
	}
	switch v, _ := lookup(s.SecretEnv); {
	case s.SecretEnv == "":
		errs = append(errs, fmt.Errorf("%s.secret_env: required (the name of the variable holding the secret)", s.Where))
	case len(SplitList(v)) == 0:
		errs = append(errs, fmt.Errorf("%s.secret_env: variable %s is not set: the ingress refuses to accept unverifiable events", s.Where, s.SecretEnv))
	default:
		s.Secrets = SplitList(v)
	}
	var err error
	if s.Allowed, err = parsePrefixes(s.Where+".allowed_cidrs", s.AllowedCIDRs); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (r RouteFile) check(where string, sources map[string]bool) error {
	var errs []error
	if !sources[r.Source] {
		errs = append(errs, fmt.Errorf("%s.source: %q is not a declared source", where, r.Source))
	}
	if _, err := path.Match(r.EventType, ""); r.EventType == "" || err != nil {
		errs = append(errs, fmt.Errorf("%s.event_type: want an event type or a pattern such as \"contact.*\", got %q", where, r.EventType))
	}
	if strings.TrimSpace(r.Workflow) == "" {
		errs = append(errs, fmt.Errorf("%s.workflow: required (a workflow type name)", where))
	}
	return errors.Join(errs...)
}

// parsePrefixes parses CIDRs; a bare address means that one address.
func parsePrefixes(field string, in []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for i, s := range in {
		s = strings.TrimSpace(s)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("%s[%d]: want a CIDR such as 192.30.252.0/22, got %q", field, i, s))
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, errors.Join(errs...)
}

// Sources are the sources the ingress serves: the file's when there is one,
// else Stripe and GitHub plus HubSpot, Slack and Shopify when their secret
// variables are set. Each carries its secrets and body limit.
func (c Config) Sources() []SourceFile {
	var out []SourceFile
	if c.File != nil {
		for _, s := range c.File.Sources {
			if s.BodyLimit == 0 {
				s.BodyLimit = c.BodyLimitFor(s.Name)
			}
			out = append(out, s)
		}
		return out
	}
	env := []struct {
		scheme, variable string
		secrets          []string
		required         bool
	}{
		{"stripe", "STRIPE_WEBHOOK_SECRET", c.StripeWebhookSecrets, true},
		{"github", "GITHUB_WEBHOOK_SECRET", c.GitHubWebhookSecrets, true},
		{"hubspot", "HUBSPOT_CLIENT_SECRET", c.HubSpotClientSecrets, false},
		{"slack", "SLACK_SIGNING_SECRET", c.SlackSigningSecrets, false},
		{"shopify", "SHOPIFY_CLIENT_SECRET", c.ShopifyClientSecrets, false},
	}
	for _, e := range env {
		if len(e.secrets) == 0 && !e.required {
			continue
		}
		out = append(out, SourceFile{
			Name: e.scheme, Scheme: e.scheme, SecretEnv: e.variable, Secrets: e.secrets,
			BodyLimit: c.BodyLimitFor(e.scheme), Where: e.variable,
		})
	}
	return out
}

// Proxies are the trusted reverse proxies: the file's trusted_proxies when
// it sets them, else SWITCHYARD_TRUSTED_PROXIES.
func (c Config) Proxies() []netip.Prefix {
	if c.File != nil && len(c.File.Proxies) > 0 {
		return c.File.Proxies
	}
	return c.TrustedProxies
}

// Routes are the file's routes (none without a file), tried before the built-in ones.
func (c Config) Routes() []RouteFile {
	if c.File == nil {
		return nil
	}
	return c.File.Routes
}
