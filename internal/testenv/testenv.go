// Package testenv starts the real components integration tests run against:
// the Temporal CLI dev server and Stripe's stripe-mock, both installed into
// ./bin by `make test`.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchyard/switchyard/internal/devserver"
	"github.com/switchyard/switchyard/payloads"
	"github.com/switchyard/switchyard/workflows"
)

// RepoRoot is the folder that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// binary finds a tool: the environment variable if set, else ./bin/<name>.
func binary(envVar, name string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found at %s: run `make test`, which installs it (or set %s)", name, p, envVar)
	}
	return p, nil
}

// TemporalCLI is the path of the pinned Temporal CLI.
func TemporalCLI() (string, error) { return binary("TEMPORAL_CLI", "temporal") }

// StartTemporal starts an in-memory, headless dev server with Switchyard's
// search attributes registered, through the SDK's testsuite. Its client keeps
// payloads over the default threshold in an in-process blob store, as
// production keeps them in SWITCHYARD_PAYLOAD_STORE, so a worker built on
// the same client reads them back.
func StartTemporal(ctx context.Context) (*testsuite.DevServer, error) {
	path, err := TemporalCLI()
	if err != nil {
		return nil, err
	}
	store, err := payloads.Open(ctx, "mem://")
	if err != nil {
		return nil, err
	}
	attrs := make([]temporal.SearchAttributeUpdate, 0, len(workflows.SearchAttributeNames))
	for _, name := range workflows.SearchAttributeNames {
		attrs = append(attrs, temporal.NewSearchAttributeKeyKeyword(name).ValueSet(""))
	}
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: path,
		LogLevel:     "error",
		ClientOptions: &client.Options{
			Logger:          sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
			ExternalStorage: store.ExternalStorage(payloads.DefaultThreshold),
		},
		SearchAttributes: temporal.NewSearchAttributes(attrs...),
	})
}

// StripeMock returns the URL of a running stripe-mock: STRIPE_MOCK_URL when
// `make test` started one, else one started here on a free port, stopped by stop.
func StripeMock() (url string, stop func(), err error) {
	if u := os.Getenv("STRIPE_MOCK_URL"); u != "" {
		return u, func() {}, nil
	}
	path, err := binary("STRIPE_MOCK", "stripe-mock")
	if err != nil {
		return "", nil, err
	}
	port, err := devserver.FreePort()
	if err != nil {
		return "", nil, err
	}
	return devserver.StartStripeMock(context.Background(), path, port)
}
