package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/internal/httpserve"
	"github.com/switchyard/switchyard/reconcile"
	"github.com/switchyard/switchyard/worker"
	"github.com/switchyard/switchyard/workflows"
)

// shutdownGrace is how long in-flight requests get after SIGTERM.
const shutdownGrace = 20 * time.Second

func runIngress(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := cfg.RequireWebhookSecrets(); err != nil {
		return err
	}
	opts, closeStore, err := clientOptions(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	// Lazy: the ingress starts (and answers 503) while Temporal is down.
	c, err := client.NewLazyClient(opts)
	if err != nil {
		return fmt.Errorf("temporal client: %w", err)
	}
	defer c.Close()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	return serveIngress(ctx, ln, cfg, c, log)
}

// serveIngress serves until ctx ends, then lets in-flight requests finish.
func serveIngress(ctx context.Context, ln net.Listener, cfg config.Config, c client.Client, log *slog.Logger) error {
	h, err := ingress.FromConfig(cfg, ingress.TemporalStarter{Client: c}, log)
	if err != nil {
		return err
	}
	return serveHTTP(ctx, ln, h, log)
}

// serveHTTP serves h on ln until ctx ends, then stops accepting and lets
// in-flight requests finish (up to shutdownGrace): a webhook being started
// still gets its answer.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("ingress listening", "addr", ln.Addr().String())
	if err := httpserve.Serve(ctx, ln, srv, shutdownGrace); err != nil {
		return fmt.Errorf("ingress: %w", err)
	}
	log.Info("ingress stopped after finishing in-flight requests")
	return nil
}

func runWorker(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	opts, closeStore, err := clientOptions(ctx, cfg, log)
	if err != nil {
		return err
	}
	metrics := worker.NewMetrics()
	opts.MetricsHandler = metrics.Handler()
	defer closeStore()
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connect to temporal: %w", err)
	}
	defer c.Close()
	if cfg.WorkerMetricsAddr == "off" {
		return serveWorker(ctx, cfg, c, log)
	}
	ln, err := net.Listen("tcp", cfg.WorkerMetricsAddr)
	if err != nil {
		return fmt.Errorf("worker metrics: listen on %s: %w", cfg.WorkerMetricsAddr, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return metrics.Serve(gctx, ln, log) })
	g.Go(func() error { return serveWorker(gctx, cfg, c, log) })
	return g.Wait()
}

// serveWorker runs the worker until ctx ends; Stop waits for running activities.
func serveWorker(ctx context.Context, cfg config.Config, c client.Client, log *slog.Logger) error {
	acts, err := worker.NewActivities(cfg, log)
	if err != nil {
		return err
	}
	w := worker.New(c, acts)
	reconcile.Register(w, &reconcile.Activities{Routes: workflows.DefaultRoutes()})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	if err := ensureReconcileSchedules(ctx, cfg, c, log); err != nil {
		w.Stop()
		if ctx.Err() != nil {
			return nil // shut down while the schedules were being created
		}
		return err
	}
	log.Info("worker started", "task_queue", workflows.TaskQueue, "integration_task_queues", workflows.IntegrationTaskQueues, "rates_per_second", cfg.Rates)
	<-ctx.Done()
	w.Stop()
	return nil
}
