package ingress

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/workflows"
)

// FromConfig is the ingress as `switchyard ingress` serves it: the sources
// and routes from cfg (its configuration file, else the environment), then
// the built-in routes, starting workflows through st.
func FromConfig(cfg config.Config, st Starter, log *slog.Logger) (*gin.Engine, error) {
	eps, err := EndpointsFromConfig(cfg)
	if err != nil {
		return nil, err
	}
	// The read API needs Temporal's visibility, so it is served only when the
	// starter is the Temporal one (and SWITCHYARD_API_TOKEN is set).
	var events EventStore
	if ts, ok := st.(TemporalStarter); ok {
		events = TemporalEvents(ts)
	}
	return NewHandler(Deps{
		Endpoints: eps, Routes: RoutesFromConfig(cfg), Starter: st,
		StartTimeout: cfg.StartTimeout, Logger: log, TrustedProxies: cfg.Proxies(),
		Events: events, APIToken: cfg.APIToken,
	})
}

// SourceSpec is what a scheme needs to build one source.
type SourceSpec struct {
	Name    string   // URL path segment and workflow ID prefix
	Secrets []string // every active secret
	Proxies Proxies  // whose forwarding headers to believe
}

// Scheme is one way of verifying webhooks.
type Scheme struct {
	New func(SourceSpec) (Source, error)
	// Provider schemes serve one source named after the scheme; the others
	// (standard-webhooks) serve any number, each under its own name.
	Provider bool
	// StartTimeout, when set, is the sender's time to answer, minus a margin.
	StartTimeout time.Duration
}

// Schemes are the verification schemes a source can use. Adding one is a
// file that implements Source and one entry here.
var Schemes = map[string]Scheme{
	"stripe":            {New: func(s SourceSpec) (Source, error) { return NewStripe(s.Secrets) }, Provider: true},
	"github":            {New: func(s SourceSpec) (Source, error) { return NewGitHub(s.Secrets) }, Provider: true},
	"hubspot":           {New: func(s SourceSpec) (Source, error) { return NewHubSpot(s.Secrets, s.Proxies) }, Provider: true, StartTimeout: HubSpotStartTimeout},
	"slack":             {New: func(s SourceSpec) (Source, error) { return NewSlack(s.Secrets) }, Provider: true, StartTimeout: SlackStartTimeout},
	"shopify":           {New: func(s SourceSpec) (Source, error) { return NewShopify(s.Secrets) }, Provider: true},
	"standard-webhooks": {New: func(s SourceSpec) (Source, error) { return NewStandardWebhooks(s.Name, s.Secrets) }},
}

// EndpointsFromConfig builds every source cfg declares. Errors name the
// declaration (e.g. "sources[2].scheme") or the variable at fault.
func EndpointsFromConfig(cfg config.Config) ([]Endpoint, error) {
	var eps []Endpoint
	for _, spec := range cfg.Sources() {
		sch, ok := Schemes[spec.Scheme]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s.scheme: unknown scheme %q (want one of %s)", spec.Where, spec.Scheme,
				strings.Join(slices.Sorted(maps.Keys(Schemes)), ", "))
		case sch.Provider && spec.Name != spec.Scheme:
			return nil, fmt.Errorf("%s.name: a %s source must be named %q, got %q", spec.Where, spec.Scheme, spec.Scheme, spec.Name)
		case !sch.Provider && Schemes[spec.Name].Provider:
			return nil, fmt.Errorf("%s.name: %q is reserved for the %s scheme", spec.Where, spec.Name, spec.Name)
		}
		src, err := sch.New(SourceSpec{Name: spec.Name, Secrets: spec.Secrets, Proxies: cfg.Proxies()})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Where, err)
		}
		eps = append(eps, Endpoint{Source: src, BodyLimit: spec.BodyLimit, Allowed: spec.Allowed, StartTimeout: sch.StartTimeout})
	}
	return eps, nil
}

// RoutesFromConfig is the configured routes, in order, then the built-in
// ones: a configured route can take over a built-in event type.
func RoutesFromConfig(cfg config.Config) []workflows.Route {
	var routes []workflows.Route
	for _, r := range cfg.Routes() {
		tq := r.TaskQueue
		if tq == "" {
			tq = workflows.TaskQueue
		}
		routes = append(routes, workflows.Route{Source: r.Source, EventType: r.EventType, Workflow: r.Workflow, TaskQueue: tq})
	}
	return append(routes, workflows.DefaultRoutes()...)
}
