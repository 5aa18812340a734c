// Package payloads keeps large Temporal payloads outside workflow history.
// GitHub delivers bodies up to 25 MB while Temporal refuses payloads over
// 2 MB, so payloads above a threshold go to a blob store through the SDK's
// external storage (client.Options.ExternalStorage) and history holds only a
// claim; the SDK restores them before any workflow or activity sees them.
// Both the ingress's and the worker's clients must use the same store.
package payloads

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"gocloud.dev/blob"
	"google.golang.org/protobuf/proto"

	// file:// and mem:// are always available; s3://, gs:// and azblob://
	// are registered by the binary (cmd/switchyard) to keep tests lean.
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob"
)

// DefaultThreshold is the serialized size above which a payload is stored
// outside history (the SDK's own default, 256 KiB).
const DefaultThreshold = 256 << 10

// driverName is recorded with every claim; changing it orphans stored payloads.
const driverName = "switchyard-blob"

// BlobDriver is a converter.StorageDriver over a gocloud.dev blob bucket.
// Keys are the SHA-256 of the payload, so a retried store writes the same
// object and identical payloads share one.
type BlobDriver struct {
	bucket *blob.Bucket
}

var _ converter.StorageDriver = (*BlobDriver)(nil)

// Open opens the bucket at storeURL (file:///abs/dir, s3://bucket, gs://bucket,
// azblob://container, mem://).
func Open(ctx context.Context, storeURL string) (*BlobDriver, error) {
	b, err := blob.OpenBucket(ctx, storeURL)
	if err != nil {
		return nil, fmt.Errorf("open payload store %s: %w", redactURL(storeURL), err)
	}
	return &BlobDriver{bucket: b}, nil
}

// FileURL is the file:// URL of a local folder, created on first use.
func FileURL(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("payload store folder %q: %w", dir, err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "create_dir=true&no_tmp_dir=true"}).String(), nil
}

// Close releases the bucket.
func (d *BlobDriver) Close() error { return d.bucket.Close() }

// ExternalStorage is the client option that offloads payloads of at least
// threshold bytes (0: DefaultThreshold) to d.
func (d *BlobDriver) ExternalStorage(threshold int) converter.ExternalStorage {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	return converter.ExternalStorage{Drivers: []converter.StorageDriver{d}, PayloadSizeThreshold: threshold}
}

// Name implements converter.StorageDriver.
func (*BlobDriver) Name() string { return driverName }

// Type implements converter.StorageDriver.
func (*BlobDriver) Type() string { return "gocloud-blob" }

// Store implements converter.StorageDriver.
func (d *BlobDriver) Store(ctx converter.StorageDriverStoreContext, payloads []*commonpb.Payload) ([]converter.StorageDriverClaim, error) {
	claims := make([]converter.StorageDriverClaim, len(payloads))
	for i, p := range payloads {
		err := ctx.GetLimiter().Permit(ctx.Context, p, func() error {
			raw, err := proto.Marshal(p)
			if err != nil {
				return fmt.Errorf("encode payload: %w", err)
			}
			sum := sha256.Sum256(raw)
			key := "sha256/" + hex.EncodeToString(sum[:])
			if err := d.bucket.WriteAll(ctx.Context, key, raw, &blob.WriterOptions{ContentType: "application/x-protobuf"}); err != nil {
				return fmt.Errorf("store payload %s: %w", key, err)
			}
			claims[i] = converter.StorageDriverClaim{ClaimData: map[string]string{"key": key}}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return claims, nil
}

// Retrieve implements converter.StorageDriver.
func (d *BlobDriver) Retrieve(ctx converter.StorageDriverRetrieveContext, claims []converter.StorageDriverClaim) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(claims))
	for i, c := range claims {
		key := c.ClaimData["key"]
		err := ctx.GetLimiter().Permit(ctx.Context, c, func() error {
			if key == "" {
				return fmt.Errorf("payload claim without a key")
			}
			raw, err := d.bucket.ReadAll(ctx.Context, key)
			if err != nil {
				return fmt.Errorf("read payload %s: %w", key, err)
			}
			sum := sha256.Sum256(raw)
			if "sha256/"+hex.EncodeToString(sum[:]) != key {
				return fmt.Errorf("payload %s: content does not match its key", key)
			}
			var p commonpb.Payload
			if err := proto.Unmarshal(raw, &p); err != nil {
				return fmt.Errorf("decode payload %s: %w", key, err)
			}
			out[i] = &p
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// redactURL drops credentials a store URL may carry in its user info or query.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}
