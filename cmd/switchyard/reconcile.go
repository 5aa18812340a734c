package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/reconcile"
)

const reconcileUsage = `usage: switchyard reconcile <stripe|github> [--since 24h]

Finds events the webhooks missed through the provider's API and brings them in
(Stripe: starts missed events; GitHub: redelivers failed deliveries of
GITHUB_RECONCILE_HOOKS). Runs as a workflow: a worker must be running.`

func runReconcile(ctx context.Context, cfg config.Config, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		return errors.New(reconcileUsage)
	}
	source := args[0]
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), reconcileUsage); fs.PrintDefaults() }
	since := fs.Duration("since", cfg.ReconcileWindow, "how far back to look (capped at the namespace retention)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	c, closeClient, err := dialTemporal(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeClient()
	from := time.Now().Add(-*since)
	switch source {
	case "stripe":
		res, err := reconcile.RunStripe(ctx, c, from)
		if err != nil {
			return err
		}
		fmt.Printf("stripe %s – %s%s: listed %d, started %d missed, %d already received, %d ignored\n",
			res.Since.Format(time.RFC3339), res.Until.Format(time.RFC3339), clampNote(res.Clamped), res.Listed, res.Started, res.Duplicates, res.Ignored)
	case "github":
		hooks, err := reconcile.ParseHooks(cfg.GitHubReconcileHooks)
		if err != nil {
			return err
		}
		res, err := reconcile.RunGitHub(ctx, c, from, hooks)
		if err != nil {
			return err
		}
		fmt.Printf("github %s – %s%s: listed %d deliveries, %d failed, %d recorded anyway, redelivered %d %v\n",
			res.Since.Format(time.RFC3339), res.Until.Format(time.RFC3339), clampNote(res.Clamped), res.Listed, res.Failed, res.Recorded, len(res.Redelivered), res.Redelivered)
	default:
		return fmt.Errorf("reconcile: unknown source %q\n%s", source, reconcileUsage)
	}
	return nil
}

func clampNote(clamped bool) string {
	if clamped {
		return " (cut to the namespace retention)"
	}
	return ""
}

// ensureReconcileSchedules creates or updates the reconciliation schedules
// the configuration calls for.
func ensureReconcileSchedules(ctx context.Context, cfg config.Config, c client.Client, log *slog.Logger) error {
	hooks, err := reconcile.ParseHooks(cfg.GitHubReconcileHooks)
	if err != nil {
		return err
	}
	return reconcile.EnsureSchedules(ctx, c, reconcile.Schedules(reconcile.Settings{
		Interval: cfg.ReconcileInterval, Window: cfg.ReconcileWindow,
		StripeAPIKey: cfg.StripeAPIKey, GitHubToken: cfg.GitHubToken, GitHubHooks: hooks,
	}), log)
}
