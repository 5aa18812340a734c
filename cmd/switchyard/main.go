// Command switchyard turns verified webhooks into durable Temporal workflows.
//
//	switchyard ingress   serve webhooks (HTTP only)
//	switchyard worker    run the Temporal worker (workflows and activities)
//	switchyard dev       the whole stack on one machine: Temporal dev server, worker, ingress
//	switchyard replay    re-run failed event workflows from their recorded input
//	switchyard trigger   send a signed sample event to a running ingress
//	switchyard reconcile bring in events the webhooks missed, through the provider's API
//
// Settings come from the environment; see config.Config and the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	sdklog "go.temporal.io/sdk/log"

	"github.com/switchyard/switchyard/config"
)

const usage = `usage: switchyard <command>

commands:
  ingress   serve webhooks on SWITCHYARD_HTTP_ADDR
  worker    run the Temporal worker
  dev       run Temporal, the worker and the ingress together on this machine
  replay    re-run failed event workflows: --query '<visibility query>' | --source S --id ID
  trigger   send a signed sample event to a running ingress: trigger <source> <event type>
  reconcile bring in events the webhooks missed, via the provider API: reconcile <stripe|github> [--since 24h]
  healthcheck [url]  exit 0 if url (default http://127.0.0.1:8080/healthz) answers 2xx

Settings are environment variables; see the README.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "switchyard:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := newLogger(cfg.LogLevel)
	servePprof(cfg, log)
	switch args[0] {
	case "ingress":
		return runIngress(ctx, cfg, log)
	case "worker":
		return runWorker(ctx, cfg, log)
	case "dev":
		return runDev(ctx, cfg, log)
	case "replay":
		return runReplay(ctx, cfg, args[1:], log)
	case "trigger":
		return runTrigger(ctx, cfg, args[1:])
	case "reconcile":
		return runReconcile(ctx, cfg, args[1:], log)
	case "healthcheck":
		return runHealthcheck(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// clientOptions follows Temporal's environment configuration (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, profiles, TLS, API key), and keeps payloads above
// SWITCHYARD_PAYLOAD_THRESHOLD in the payload store; closeStore releases it.
func clientOptions(ctx context.Context, cfg config.Config, log *slog.Logger) (opts client.Options, closeStore func(), err error) {
	opts, err = envconfig.LoadDefaultClientOptions()
	if err != nil {
		return client.Options{}, nil, fmt.Errorf("temporal client configuration: %w", err)
	}
	opts.Logger = sdklog.NewStructuredLogger(log)
	store, err := openPayloadStore(ctx, cfg)
	if err != nil {
		return client.Options{}, nil, err
	}
	opts.ExternalStorage = store.ExternalStorage(cfg.PayloadThreshold)
	return opts, func() { _ = store.Close() }, nil
}
