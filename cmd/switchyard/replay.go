package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/ops"
)

const replayUsage = `usage: switchyard replay (--query '<visibility query>' | --source S --id ID) [--dry-run] [--rate N] [--force]

Re-runs failed, timed-out or terminated event workflows from their recorded input.
Completed events are skipped unless --force.`

func runReplay(ctx context.Context, cfg config.Config, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), replayUsage); fs.PrintDefaults() }
	query := fs.String("query", "", `visibility query, e.g. "WebhookSource = 'stripe' AND ExecutionStatus = 'Failed'"`)
	source := fs.String("source", "", "source of one event (with --id)")
	id := fs.String("id", "", "event ID (GitHub: <hook id>:<delivery guid>)")
	dry := fs.Bool("dry-run", false, "list what would be replayed; start nothing")
	force := fs.Bool("force", false, "also re-run completed events")
	rate := fs.Float64("rate", ops.DefaultReplayRate, "workflow starts per second")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := ops.ReplayOptions{Query: *query, Force: *force, DryRun: *dry, Rate: *rate, Out: os.Stdout}
	switch {
	case (*source == "") != (*id == ""):
		return errors.New("replay: --source and --id go together")
	case *source != "":
		wid, err := ingress.WorkflowIDFor(*source, *id)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		opts.WorkflowIDs = []string{wid}
	case *query == "":
		return errors.New(replayUsage)
	}
	c, closeClient, err := dialTemporal(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeClient()
	sum, err := ops.Replay(ctx, c, opts)
	fmt.Println(sum)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("replay: %d events could not be replayed", len(sum.Failed))
	}
	return nil
}

// dialTemporal connects with Temporal's environment configuration and the
// payload store, which replay needs to read and re-send large inputs. The
// returned close releases both.
func dialTemporal(ctx context.Context, cfg config.Config, log *slog.Logger) (client.Client, func(), error) {
	opts, closeStore, err := clientOptions(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	c, err := client.Dial(opts)
	if err != nil {
		closeStore()
		return nil, nil, fmt.Errorf("connect to temporal: %w", err)
	}
	return c, func() { c.Close(); closeStore() }, nil
}
