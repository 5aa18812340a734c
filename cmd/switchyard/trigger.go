package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ops"
)

// runTrigger sends a signed sample event to SWITCHYARD_URL (see triggerOptions
// for the secrets it signs with).
func runTrigger(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) != 2 {
		return errors.New(triggerUsage(cfg))
	}
	res, err := ops.Trigger(ctx, triggerOptions(cfg), args[0], args[1])
	if err != nil {
		return err
	}
	fmt.Printf("sent %s %s (id %s) → %d %s\n", args[0], args[1], res.EventID, res.Status, res.Body)
	if res.Status/100 != 2 {
		return fmt.Errorf("trigger: the ingress answered %d", res.Status)
	}
	return nil
}

// triggerOptions signs each source with the first secret the ingress would
// load for it (from SWITCHYARD_CONFIG's sources, else the environment) or,
// where there is none, the dev secret `switchyard dev` uses. Standard
// Webhooks sources exist only in the configuration file.
func triggerOptions(cfg config.Config) ops.TriggerOptions {
	opts := ops.TriggerOptions{URL: cfg.URL, StripeSecret: devStripeSecret, GitHubSecret: devGitHubSecret,
		HubSpotSecret: devHubSpotSecret, SlackSecret: devSlackSecret, ShopifySecret: devShopifySecret,
		StandardWebhooks: map[string]string{}}
	for _, src := range cfg.Sources() {
		if len(src.Secrets) == 0 {
			continue
		}
		secret := src.Secrets[0]
		switch src.Scheme {
		case "stripe":
			opts.StripeSecret = secret
		case "github":
			opts.GitHubSecret = secret
		case "hubspot":
			opts.HubSpotSecret = secret
		case "slack":
			opts.SlackSecret = secret
		case "shopify":
			opts.ShopifySecret = secret
		case "standard-webhooks":
			opts.StandardWebhooks[src.Name] = secret
		}
	}
	return opts
}

// triggerUsage lists the samples by source, in a stable order.
func triggerUsage(cfg config.Config) string {
	samples := ops.SampleTypes()
	var lines []string
	for _, src := range slices.Sorted(maps.Keys(samples)) {
		if src != "standard-webhooks" {
			lines = append(lines, fmt.Sprintf("  %-9s %s", src, strings.Join(samples[src], ", ")))
		}
	}
	lines = append(lines, fmt.Sprintf("  %-9s %s", "<name>", strings.Join(samples["standard-webhooks"], ", ")))
	named := "none in this configuration"
	if ws := slices.Sorted(maps.Keys(triggerOptions(cfg).StandardWebhooks)); len(ws) > 0 {
		named = strings.Join(ws, ", ")
	}
	return fmt.Sprintf(`usage: switchyard trigger <source> <event type>

Sends a realistic sample event, signed with the source's own scheme and
secret, to the ingress at SWITCHYARD_URL (default http://127.0.0.1:8080).
Secrets come from the configuration (SWITCHYARD_CONFIG, else the
environment), or are the ones `+"`switchyard dev`"+` uses.

sources and event types:
%s

<name> is a standard-webhooks source of the configuration file (%s).`, strings.Join(lines, "\n"), named)
}
