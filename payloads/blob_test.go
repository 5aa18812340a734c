package payloads_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"github.com/switchyard/switchyard/payloads"
)

func TestBlobDriverRoundTripsThroughAFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "payloads")
	u, err := payloads.FileURL(dir)
	require.NoError(t, err)
	d, err := payloads.Open(context.Background(), u)
	require.NoError(t, err)
	defer d.Close()

	big := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(strings.Repeat("x", 3<<20))}
	small := &commonpb.Payload{Data: []byte(`"hi"`)}
	claims, err := d.Store(converter.StorageDriverStoreContext{Context: context.Background()}, []*commonpb.Payload{big, small})
	require.NoError(t, err)
	require.Len(t, claims, 2)
	require.NotEqual(t, claims[0].ClaimData["key"], claims[1].ClaimData["key"])

	// The object is on disk under its content hash.
	files, err := filepath.Glob(filepath.Join(dir, "sha256", "*"))
	require.NoError(t, err)
	var objects []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".attrs") { // fileblob's metadata sidecar
			objects = append(objects, filepath.Base(f))
		}
	}
	require.ElementsMatch(t, []string{strings.TrimPrefix(claims[0].ClaimData["key"], "sha256/"),
		strings.TrimPrefix(claims[1].ClaimData["key"], "sha256/")}, objects)

	got, err := d.Retrieve(converter.StorageDriverRetrieveContext{Context: context.Background()}, claims)
	require.NoError(t, err)
	require.True(t, proto.Equal(big, got[0]))
	require.True(t, proto.Equal(small, got[1]))

	// Storing the same payload again (a retried start) reuses the same key.
	again, err := d.Store(converter.StorageDriverStoreContext{Context: context.Background()}, []*commonpb.Payload{big})
	require.NoError(t, err)
	require.Equal(t, claims[0], again[0])
}

func TestBlobDriverRefusesTamperedOrMissingObjects(t *testing.T) {
	dir := t.TempDir()
	u, err := payloads.FileURL(dir)
	require.NoError(t, err)
	d, err := payloads.Open(context.Background(), u)
	require.NoError(t, err)
	defer d.Close()
	claims, err := d.Store(converter.StorageDriverStoreContext{Context: context.Background()}, []*commonpb.Payload{{Data: []byte("original")}})
	require.NoError(t, err)
	key := claims[0].ClaimData["key"]
	tampered, err := proto.Marshal(&commonpb.Payload{Data: []byte("changed")})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), tampered, 0o644))

	_, err = d.Retrieve(converter.StorageDriverRetrieveContext{Context: context.Background()}, claims)
	require.ErrorContains(t, err, "does not match its key")
	_, err = d.Retrieve(converter.StorageDriverRetrieveContext{Context: context.Background()},
		[]converter.StorageDriverClaim{{ClaimData: map[string]string{"key": "sha256/missing"}}})
	require.ErrorContains(t, err, "read payload")
	_, err = payloads.Open(context.Background(), "nosuchscheme://x")
	require.Error(t, err)
}
