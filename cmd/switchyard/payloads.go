package main

import (
	"context"
	"fmt"
	"path/filepath"

	// Production payload stores, chosen by SWITCHYARD_PAYLOAD_STORE's scheme.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/payloads"
)

// openPayloadStore opens SWITCHYARD_PAYLOAD_STORE, by default a folder under
// SWITCHYARD_DATA_DIR. The ingress and the worker must share it: what one
// stores the other reads.
func openPayloadStore(ctx context.Context, cfg config.Config) (*payloads.BlobDriver, error) {
	storeURL := cfg.PayloadStore
	if storeURL == "" {
		u, err := payloads.FileURL(filepath.Join(cfg.DataDir, "payloads"))
		if err != nil {
			return nil, err
		}
		storeURL = u
	}
	d, err := payloads.Open(ctx, storeURL)
	if err != nil {
		return nil, fmt.Errorf("SWITCHYARD_PAYLOAD_STORE: %w", err)
	}
	return d, nil
}
