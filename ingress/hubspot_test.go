package ingress_test

import (
	"bytes"
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/ingress"
)

const hubspotTarget = "https://hooks.example.com/v1/webhooks/hubspot?portal=62515"

func TestHubSpotOpen(t *testing.T) {
	t.Parallel()
	src, err := ingress.NewHubSpot([]string{hubspotSecret, hubspotOldSecret}, nil)
	require.NoError(t, err)
	body := hubspotBatch(101, 102, 103)
	now := time.Now()
	with := func(r *http.Request, f func(*http.Request)) *http.Request { f(r); return r }

	tests := []struct {
		name    string
		req     *http.Request
		body    []byte
		wantErr error
	}{
		{"valid", signedHubSpot(hubspotTarget, body, hubspotSecret, now), body, nil},
		{"rotated secret still accepted", signedHubSpot(hubspotTarget, body, hubspotOldSecret, now), body, nil},
		{"clock skew within window", signedHubSpot(hubspotTarget, body, hubspotSecret, now.Add(4*time.Minute)), body, nil},
		{"tampered body", signedHubSpot(hubspotTarget, body, hubspotSecret, now), bytes.Replace(body, []byte("101"), []byte("999"), 1), ingress.ErrBadSignature},
		{"tampered URL", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) {
			r.RequestURI = "/v1/webhooks/hubspot?portal=1"
		}), body, ingress.ErrBadSignature},
		{"tampered method", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) { r.Method = http.MethodPut }), body, ingress.ErrBadSignature},
		{"tampered timestamp", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) {
			r.Header.Set("X-HubSpot-Request-Timestamp", "1")
		}), body, ingress.ErrBadSignature},
		{"wrong secret", signedHubSpot(hubspotTarget, body, "attacker", now), body, ingress.ErrBadSignature},
		{"stale", signedHubSpot(hubspotTarget, body, hubspotSecret, now.Add(-6*time.Minute)), body, ingress.ErrStale},
		{"from the future", signedHubSpot(hubspotTarget, body, hubspotSecret, now.Add(6*time.Minute)), body, ingress.ErrStale},
		{"timestamp in seconds is stale", signedHubSpotAt(hubspotTarget, body, hubspotSecret, strconv.FormatInt(now.Unix(), 10)), body, ingress.ErrStale},
		{"missing signature", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) { r.Header.Del("X-HubSpot-Signature-v3") }), body, ingress.ErrBadSignature},
		{"missing timestamp", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) { r.Header.Del("X-HubSpot-Request-Timestamp") }), body, ingress.ErrBadSignature},
		{"signature not base64", with(signedHubSpot(hubspotTarget, body, hubspotSecret, now), func(r *http.Request) { r.Header.Set("X-HubSpot-Signature-v3", "%%%") }), body, ingress.ErrBadSignature},
		{"signed but not an array", signedHubSpot(hubspotTarget, []byte(`{"eventId":1}`), hubspotSecret, now), []byte(`{"eventId":1}`), ingress.ErrMalformed},
		{"signed but empty batch", signedHubSpot(hubspotTarget, []byte(`[]`), hubspotSecret, now), []byte(`[]`), ingress.ErrMalformed},
		{"signed but event without id", signedHubSpot(hubspotTarget, []byte(`[{"subscriptionType":"contact.creation"}]`), hubspotSecret, now),
			[]byte(`[{"subscriptionType":"contact.creation"}]`), ingress.ErrMalformed},
		{"signed but more than 100 events", signedHubSpot(hubspotTarget, hubspotBatch(seq(1, 101)...), hubspotSecret, now), hubspotBatch(seq(1, 101)...), ingress.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := open(t, src, tc.req, tc.body, tc.wantErr, "secret-")
			if tc.wantErr != nil {
				return
			}
			require.Len(t, events, 3)
			ev := events[1]
			assert.Equal(t, "hubspot:102", ev.WorkflowID)
			assert.Equal(t, "102", ev.EventID)
			assert.Equal(t, "contact.propertyChange", ev.Type)
			assert.Equal(t, "1102", ev.ObjectID)
			assert.Equal(t, "62515", ev.Meta["portal_id"])
			assert.Equal(t, "email", ev.Meta["property_name"])
			assert.Contains(t, string(ev.Payload), `"eventId":102`)
			assert.NotContains(t, string(ev.Payload), `"eventId":101`, "each event carries only its own JSON")
		})
	}
}

// signedHubSpotAt signs with a timestamp given verbatim.
func signedHubSpotAt(target string, body []byte, secret, ts string) *http.Request {
	r := signedHubSpot(target, body, secret, time.Now())
	r.Header.Set("X-HubSpot-Request-Timestamp", ts)
	r.Header.Set("X-HubSpot-Signature-v3", mac64(secret, []byte("POST"), []byte(target), body, []byte(ts)))
	return r
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// HubSpot signs the URL it called. Behind a TLS-terminating proxy that is
// https://public-host/..., which only a trusted proxy may tell us.
func TestHubSpotURLBehindProxy(t *testing.T) {
	t.Parallel()
	body := hubspotBatch(1)
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	// What HubSpot signed: the public https URL, with the escapes it decodes.
	public := func() *http.Request {
		r := signedHubSpot(hubspotTarget, body, hubspotSecret, time.Now())
		ts := r.Header.Get("X-HubSpot-Request-Timestamp")
		r.Header.Set("X-HubSpot-Signature-v3", mac64(hubspotSecret, []byte("POST"),
			[]byte("https://hooks.example.com/v1/webhooks/hubspot?portal=62515&tag=a:b"), body, []byte(ts)))
		r.RequestURI = "/v1/webhooks/hubspot?portal=62515&tag=a%3Ab"
		r.Host, r.TLS = "ingress.internal:8080", nil // TLS ended at the proxy
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "hooks.example.com")
		return r
	}
	trusting, err := ingress.NewHubSpot([]string{hubspotSecret}, ingress.Proxies{proxy})
	require.NoError(t, err)
	untrusting, err := ingress.NewHubSpot([]string{hubspotSecret}, nil)
	require.NoError(t, err)

	r := public()
	r.RemoteAddr = "10.1.2.3:5555"
	_, err = trusting.Open(r, body)
	assert.NoError(t, err, "a trusted proxy's X-Forwarded-Proto/Host describe the signed URL")

	r = public()
	r.RemoteAddr = "203.0.113.9:5555"
	_, err = trusting.Open(r, body)
	assert.ErrorIs(t, err, ingress.ErrBadSignature, "forwarding headers from an untrusted peer are ignored")

	r = public()
	r.RemoteAddr = "10.1.2.3:5555"
	_, err = untrusting.Open(r, body)
	assert.ErrorIs(t, err, ingress.ErrBadSignature, "without trusted proxies, forwarding headers are ignored")
}

func TestNewHubSpotFailsClosed(t *testing.T) {
	t.Parallel()
	_, err := ingress.NewHubSpot(nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HUBSPOT_CLIENT_SECRET")
}
