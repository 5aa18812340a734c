package ingress_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

const (
	githubSecret    = "gh-secret-current"
	githubOldSecret = "gh-secret-previous"
)

const issueOpened = `{"action":"opened","issue":{"number":7,"title":"Broken"},"repository":{"name":"repo","full_name":"octo/repo","owner":{"login":"octo"}}}`

func githubSig(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func signedGitHub(event string, body []byte, secret string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/github", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	r.Header.Set("X-GitHub-Hook-ID", "42")
	r.Header.Set("X-Hub-Signature-256", githubSig(body, secret))
	return r
}

func TestGitHubOpen(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewGitHub([]string{githubSecret, githubOldSecret})
	require.NoError(t, err)
	body := []byte(issueOpened)
	with := func(r *http.Request, f func(h http.Header)) *http.Request { f(r.Header); return r }
	sha1Sig := func() string {
		m := hmac.New(sha1.New, []byte(githubSecret))
		m.Write(body)
		return "sha1=" + hex.EncodeToString(m.Sum(nil))
	}()

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedGitHub("issues", body, githubSecret), body, nil},
		{"rotated secret", signedGitHub("issues", body, githubOldSecret), body, nil},
		{"tampered", signedGitHub("issues", body, githubSecret), bytes.Replace(body, []byte("7"), []byte("8"), 1), ingress.ErrBadSignature},
		{"wrong secret", signedGitHub("issues", body, "nope"), body, ingress.ErrBadSignature},
		{"missing signature", with(signedGitHub("issues", body, githubSecret), func(h http.Header) { h.Del("X-Hub-Signature-256") }), body, ingress.ErrBadSignature},
		{"sha1 in the sha256 header", with(signedGitHub("issues", body, githubSecret), func(h http.Header) { h.Set("X-Hub-Signature-256", sha1Sig) }), body, ingress.ErrBadSignature},
		{"missing event header", with(signedGitHub("issues", body, githubSecret), func(h http.Header) { h.Del("X-GitHub-Event") }), body, ingress.ErrMalformed},
		{"missing delivery", with(signedGitHub("issues", body, githubSecret), func(h http.Header) { h.Del("X-GitHub-Delivery") }), body, ingress.ErrMalformed},
		{"missing hook id", with(signedGitHub("issues", body, githubSecret), func(h http.Header) { h.Del("X-GitHub-Hook-ID") }), body, ingress.ErrMalformed},
		{"signed but not JSON", signedGitHub("issues", []byte("[1,2"), githubSecret), []byte("[1,2"), ingress.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "gh-secret")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "github:42:72d3162e-cc78-11e3-81ab-4c9367dc0958", ev.WorkflowID)
			assert.Equal(t, "issues.opened", ev.Type)
			assert.Equal(t, "octo/repo#7", ev.ObjectID)
			assert.Equal(t, "42", ev.Meta["hook_id"])
		})
	}
}

func TestGitHubPingRepliesWithoutEvents(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewGitHub([]string{githubSecret})
	require.NoError(t, err)
	body := []byte(`{"zen":"Keep it logically awesome.","hook_id":42}`)
	d, err := src.Open(signedGitHub("ping", body, githubSecret), body)
	require.NoError(t, err)
	assert.Empty(t, d.Events)
	assert.NotNil(t, d.Reply)
}

func TestGitHubFormEncoded(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewGitHub([]string{githubSecret})
	require.NoError(t, err)
	body := []byte("payload=" + url.QueryEscape(issueOpened))
	r := signedGitHub("issues", body, githubSecret)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	d, err := src.Open(r, body)
	require.NoError(t, err)
	require.Len(t, d.Events, 1)
	assert.JSONEq(t, issueOpened, string(d.Events[0].Payload))
}

func TestNewGitHubFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewGitHub(nil)
	require.Error(t, err)
}
