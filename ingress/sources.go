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
	return NewHandler(Deps{
		Endpoints: eps, Routes: workflows.DefaultRoutes(), Starter: st,
		StartTimeout: cfg.StartTimeout, Logger: log,
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
