package ingress_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

// open runs one row of a source's table test. With wantErr set it checks the
// error is of that kind and does not carry the secret (leak is a fragment of
// it), and returns nil; otherwise it returns the delivery's events.
func open(t *testing.T, src ingress.Source, req *http.Request, body []byte, wantErr error, leak string) []ingress.Event {
	t.Helper()
	d, err := src.Open(req, body)
	if wantErr != nil {
		require.Error(t, err)
		assert.True(t, errors.Is(err, wantErr), "got %v, want %v", err, wantErr)
		assert.NotContains(t, err.Error(), leak, "an error must not carry a secret")
		return nil
	}
	require.NoError(t, err)
	return d.Events
}
