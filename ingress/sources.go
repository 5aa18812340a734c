package ingress

import (
	"github.com/switchyard/switchyard/config"
)

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
