package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ops"
)

// runTrigger sends a signed sample event to SWITCHYARD_URL, signed with the
// configured secret or, when unset, the dev secret `switchyard dev` uses.
func runTrigger(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) != 2 {
		var lines []string
		for src, types := range ops.SampleTypes() {
			lines = append(lines, fmt.Sprintf("  %s: %s", src, strings.Join(types, ", ")))
		}
		return fmt.Errorf("usage: switchyard trigger <source> <event type>\n\nsamples:\n%s", strings.Join(lines, "\n"))
	}
	opts := ops.TriggerOptions{URL: cfg.URL, StripeSecret: devStripeSecret, GitHubSecret: devGitHubSecret}
	if len(cfg.StripeWebhookSecrets) > 0 {
		opts.StripeSecret = cfg.StripeWebhookSecrets[0]
	}
	if len(cfg.GitHubWebhookSecrets) > 0 {
		opts.GitHubSecret = cfg.GitHubWebhookSecrets[0]
	}
	res, err := ops.Trigger(ctx, opts, args[0], args[1])
	if err != nil {
		return err
	}
	fmt.Printf("sent %s %s (id %s) → %d %s\n", args[0], args[1], res.EventID, res.Status, res.Body)
	if res.Status/100 != 2 {
		return fmt.Errorf("trigger: the ingress answered %d", res.Status)
	}
	return nil
}
