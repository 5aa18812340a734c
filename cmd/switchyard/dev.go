package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/workflows"
)

// Dev defaults, used only for what the environment leaves unset.
const (
	devStripeSecret  = "whsec_switchyard_dev_secret"
	devGitHubSecret  = "switchyard-dev-secret"
	devHubSpotSecret = "switchyard-dev-hubspot-secret"
	devSlackSecret   = "switchyard-dev-slack-secret"
	devShopifySecret = "switchyard-dev-shopify-secret"
	devStripeKey     = "sk_test_123"
	devHTTPAddr      = "127.0.0.1:8080"
)

// runDev runs the whole stack in one process: the Temporal dev server (SQLite
// under SWITCHYARD_DATA_DIR, WAL journal), stripe-mock when neither a Stripe
// key nor an API base is set, the worker and the ingress. Ctrl-C stops them
// in reverse order.
func runDev(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	cfg = devDefaults(cfg, os.LookupEnv)

	// Listen first: a busy port fails fast, and Temporal's services, which
	// bind ephemeral ports of their own, cannot take it in the meantime.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()

	srv, err := devserver.Start(ctx, devserver.Options{
		Path:             cfg.TemporalCLI,
		DBFile:           filepath.Join(cfg.DataDir, "temporal.db"),
		Pragmas:          []string{"journal_mode=wal"},
		Port:             cfg.DevTemporalPort,
		UIPort:           cfg.DevUIPort,
		SearchAttributes: workflows.SearchAttributeNames,
		Stdout:           os.Stderr,
		Stderr:           os.Stderr,
	})
	if err != nil {
		return err
	}
	defer func() {
		log.Info("stopping temporal dev server")
		_ = srv.Stop()
	}()

	stripe := devStripe(cfg, os.LookupEnv)
	cfg.StripeAPIKey, cfg.StripeAPIBase = stripe.Key, stripe.Base
	if stripe.StartMock {
		url, stop, err := devserver.StartStripeMock(ctx, cfg.StripeMock, cfg.DevStripePort)
		if err != nil {
			log.Warn("stripe-mock not started; the Stripe integration stays disabled", "error", err)
			cfg.StripeAPIKey = ""
		} else {
			defer stop()
			cfg.StripeAPIBase = url
		}
	}

	opts, closeStore, err := clientOptions(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	opts.HostPort, opts.Namespace = srv.Address, "default"
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connect to the dev server: %w", err)
	}
	defer c.Close()
	printBanner(cfg, srv, ln.Addr().String())

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return serveWorker(gctx, cfg, c, log) })
	g.Go(func() error { return serveIngress(gctx, ln, cfg, c, log) })
	g.Go(func() error {
		select {
		case <-srv.Exited():
			return errors.New("temporal dev server exited")
		case <-gctx.Done():
			return nil
		}
	})
	return g.Wait()
}

// devDefaults fills in what the dev stack needs and the environment leaves
// unset: the listen address and a webhook secret for every built-in source,
// so all of them are served. A value set in the environment always wins; one
// set to blanks counts as unset, as config.Load reads it.
func devDefaults(cfg config.Config, lookup config.Lookup) config.Config {
	if v, ok := lookup("SWITCHYARD_HTTP_ADDR"); !ok || strings.TrimSpace(v) == "" {
		cfg.HTTPAddr = devHTTPAddr
	}
	for _, d := range devSecrets(&cfg) {
		if len(*d.dst) == 0 {
			*d.dst = []string{d.dev}
		}
	}
	return cfg
}

// devSecret is one built-in source's webhook secret in dev: its variable,
// where it lives in cfg, and the default dev supplies when it is unset.
type devSecret struct {
	env string
	dst *[]string
	dev string
}

// devSecrets lists them once, for the defaults and for the banner.
func devSecrets(cfg *config.Config) []devSecret {
	return []devSecret{
		{"STRIPE_WEBHOOK_SECRET", &cfg.StripeWebhookSecrets, devStripeSecret},
		{"GITHUB_WEBHOOK_SECRET", &cfg.GitHubWebhookSecrets, devGitHubSecret},
		{"HUBSPOT_CLIENT_SECRET", &cfg.HubSpotClientSecrets, devHubSpotSecret},
		{"SLACK_SIGNING_SECRET", &cfg.SlackSigningSecrets, devSlackSecret},
		{"SHOPIFY_CLIENT_SECRET", &cfg.ShopifyClientSecrets, devShopifySecret},
	}
}

// stripeSetup is how the dev worker reaches Stripe.
type stripeSetup struct {
	Key       string
	Base      string // empty when StartMock: stripe-mock's URL goes here
	StartMock bool
}

// devStripe decides how the dev worker reaches Stripe. A key from the
// environment is used as is. Without one, a STRIPE_API_BASE the user set (their
// own stripe-mock, a proxy, a fake) is kept, with the dev key; only when
// neither is set does dev start stripe-mock and point the worker at it.
func devStripe(cfg config.Config, lookup config.Lookup) stripeSetup {
	if cfg.StripeAPIKey != "" {
		return stripeSetup{Key: cfg.StripeAPIKey, Base: cfg.StripeAPIBase}
	}
	if v, ok := lookup("STRIPE_API_BASE"); ok && strings.TrimSpace(v) != "" {
		return stripeSetup{Key: devStripeKey, Base: cfg.StripeAPIBase}
	}
	return stripeSetup{Key: devStripeKey, StartMock: true}
}

func printBanner(cfg config.Config, srv *devserver.Server, addr string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nSwitchyard dev stack is up.\n\n")
	for i, src := range []string{"stripe", "github", "hubspot", "slack", "shopify"} {
		label := ""
		if i == 0 {
			label = "Webhooks"
		}
		fmt.Fprintf(&b, "  %-10s http://%s/v1/webhooks/%s\n", label, addr, src)
	}
	fmt.Fprintf(&b, "  %-10s http://%[2]s/healthz   http://%[2]s/readyz   http://%[2]s/metrics\n", "Health", addr)
	fmt.Fprintf(&b, "  %-10s %s (gRPC)   UI %s\n", "Temporal", srv.Address, srv.UIURL)
	stripeAPI := cfg.StripeAPIBase
	if cfg.StripeAPIKey == "" {
		stripeAPI = "disabled (stripe-mock did not start; set STRIPE_API_KEY or STRIPE_API_BASE)"
	}
	fmt.Fprintf(&b, "  %-10s %s\n\n", "Stripe API", stripeAPI)
	fmt.Fprintf(&b, "  Dev webhook secrets (override with the environment):\n")
	for _, d := range devSecrets(&cfg) {
		fmt.Fprintf(&b, "    %s=%s\n", d.env, strings.Join(*d.dst, ","))
	}
	fmt.Fprintf(&b, "\n  Try it:    ./bin/switchyard trigger stripe payment_intent.succeeded\n")
	fmt.Fprintf(&b, "  Data: %s   Ctrl-C stops everything.\n\n", cfg.DataDir)
	fmt.Print(b.String())
}
