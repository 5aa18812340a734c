package ingress_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

func TestSlackOpen(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewSlack([]string{slackSecret, slackOldSecret})
	require.NoError(t, err)
	body := slackEvent("Ev0PV52K21")
	now := time.Now()
	with := func(r *http.Request, f func(*http.Request)) *http.Request { f(r); return r }
	challenge := []byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedSlack(body, slackSecret, now), body, nil},
		{"rotated secret still accepted", signedSlack(body, slackOldSecret, now), body, nil},
		{"retry is the same event", with(signedSlack(body, slackSecret, now), func(r *http.Request) {
			r.Header.Set("X-Slack-Retry-Num", "1")
			r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}), body, nil},
		{"tampered body", signedSlack(body, slackSecret, now), bytes.Replace(body, []byte("everything"), []byte("nothing"), 1), ingress.ErrBadSignature},
		{"tampered timestamp", with(signedSlack(body, slackSecret, now), func(r *http.Request) {
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix()+1, 10))
		}), body, ingress.ErrBadSignature},
		{"wrong secret", signedSlack(body, "attacker", now), body, ingress.ErrBadSignature},
		{"stale", signedSlack(body, slackSecret, now.Add(-6*time.Minute)), body, ingress.ErrStale},
		{"missing signature", with(signedSlack(body, slackSecret, now), func(r *http.Request) { r.Header.Del("X-Slack-Signature") }), body, ingress.ErrBadSignature},
		{"missing timestamp", with(signedSlack(body, slackSecret, now), func(r *http.Request) { r.Header.Del("X-Slack-Request-Timestamp") }), body, ingress.ErrBadSignature},
		{"signature without v0=", with(signedSlack(body, slackSecret, now), func(r *http.Request) {
			r.Header.Set("X-Slack-Signature", r.Header.Get("X-Slack-Signature")[3:])
		}), body, ingress.ErrBadSignature},
		{"signed but not JSON", signedSlack([]byte("nope"), slackSecret, now), []byte("nope"), ingress.ErrMalformed},
		{"signed but no event_id", signedSlack([]byte(`{"type":"event_callback","event":{"type":"x"}}`), slackSecret, now),
			[]byte(`{"type":"event_callback","event":{"type":"x"}}`), ingress.ErrMalformed},
		{"forged url_verification", signedSlack(challenge, "attacker", now), challenge, ingress.ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "signing-secret")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "slack:Ev0PV52K21", ev.WorkflowID, "a retry has the first delivery's workflow ID")
			assert.Equal(t, "app_mention", ev.Type)
			assert.Equal(t, "C0LAN2Q65", ev.ObjectID)
			assert.Equal(t, "T061EG9R6", ev.Meta["team_id"])
			assert.Equal(t, tc.req.Header.Get("X-Slack-Retry-Num"), ev.Meta["retry_num"])
			assert.Contains(t, string(ev.Payload), "is it everything?")
			assert.NotContains(t, string(ev.Payload), "legacy-verification-token", "the legacy token is a credential")
		})
	}

	t.Run("url_verification answers the challenge", func(t *testing.T) {
		d, err := src.Open(signedSlack(challenge, slackSecret, now), challenge)
		require.NoError(t, err)
		assert.Empty(t, d.Events)
		assert.Equal(t, map[string]string{"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}, d.Reply)
	})
	t.Run("app_rate_limited is acknowledged, nothing started", func(t *testing.T) {
		b := []byte(`{"token":"x","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}`)
		d, err := src.Open(signedSlack(b, slackSecret, now), b)
		require.NoError(t, err)
		assert.Empty(t, d.Events)
		assert.NotNil(t, d.Reply)
	})
}

func TestNewSlackFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewSlack(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SLACK_SIGNING_SECRET")
}
