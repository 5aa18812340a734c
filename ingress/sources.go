package ingress

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/workflows"
)

// FromConfig is the ingress as `switchyard ingress` serves it: the built-in
// sources and routes from cfg, starting workflows through st.
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
		Endpoints: eps, Routes: workflows.DefaultRoutes(), Starter: st,
		StartTimeout: cfg.StartTimeout, Logger: log,
		Events: events, APIToken: cfg.APIToken,
	})
}

// EndpointsFromConfig builds the built-in sources from cfg. Adding a source is
// one file that implements Source and one entry here.
func EndpointsFromConfig(cfg config.Config) ([]Endpoint, error) {
	stripeSrc, err := NewStripe(cfg.StripeWebhookSecrets)
	if err != nil {
		return nil, err
	}
	githubSrc, err := NewGitHub(cfg.GitHubWebhookSecrets)
	if err != nil {
		return nil, err
	}
	var eps []Endpoint
	for _, src := range []Source{stripeSrc, githubSrc} {
		eps = append(eps, Endpoint{Source: src, BodyLimit: cfg.BodyLimitFor(src.Name())})
	}
	return eps, nil
}
