package ingress_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard/switchyard/ingress"
)

// The fuzz tests check two things for every input: Open never panics, and
// it accepts nothing whose MAC is not the right one, computed here
// independently from the provider's documentation. With sign set, the
// fuzzer's other inputs are signed correctly, so the parsing behind the MAC
// is explored too. Seed corpora are in testdata/fuzz/<FuzzName>/.

func rawRequest(target string, h http.Header, body []byte) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	return &http.Request{
		Method: http.MethodPost, URL: u, RequestURI: target, Host: "hooks.example.com",
		Header: h, Body: http.NoBody, RemoteAddr: "192.0.2.1:443", ContentLength: int64(len(body)),
	}
}

func checkEvents(t *testing.T, d ingress.Delivery, prefix string) {
	t.Helper()
	for _, ev := range d.Events {
		if !strings.HasPrefix(ev.WorkflowID, prefix) || ev.EventID == "" || ev.Type == "" || len(ev.EventID) > 255 {
			t.Fatalf("accepted a bad event: %+v", ev)
		}
	}
}

func FuzzHubSpot(f *testing.F) {
	now := time.UnixMilli(1_700_000_000_000)
	src, err := ingress.NewHubSpot([]string{hubspotSecret, hubspotOldSecret}, nil)
	if err != nil {
		f.Fatal(err)
	}
	src.SetNow(func() time.Time { return now })
	f.Fuzz(func(t *testing.T, body []byte, sig, ts, query string, sign bool) {
		target := "/v1/webhooks/hubspot?" + query
		// HubSpot decodes these escapes in the URL before signing.
		signedURL := "http://hooks.example.com" + target
		for _, esc := range []string{"3A", "2F", "3F", "40", "21", "24", "27", "28", "29", "2A", "2C", "3B"} {
			b, _ := hex.DecodeString(esc)
			signedURL = strings.ReplaceAll(strings.ReplaceAll(signedURL, "%"+esc, string(b)), "%"+strings.ToLower(esc), string(b))
		}
		right := func(secret string) []byte {
			return macRaw(secret, []byte("POST"), []byte(signedURL), body, []byte(ts))
		}
		if sign {
			sig = base64.StdEncoding.EncodeToString(right(hubspotSecret))
		}
		h := http.Header{}
		h.Set("X-HubSpot-Signature-v3", sig)
		h.Set("X-HubSpot-Request-Timestamp", ts)
		d, err := src.Open(rawRequest(target, h, body), body)
		if err != nil {
			return
		}
		given, _ := base64.StdEncoding.DecodeString(sig)
		if !hmac.Equal(given, right(hubspotSecret)) && !hmac.Equal(given, right(hubspotOldSecret)) {
			t.Fatalf("accepted without the right MAC: sig=%q ts=%q url=%q", sig, ts, signedURL)
		}
		ms, perr := strconv.ParseInt(ts, 10, 64)
		if perr != nil || now.Sub(time.UnixMilli(ms)).Abs() > ingress.HubSpotTolerance {
			t.Fatalf("accepted a timestamp outside the window: %q", ts)
		}
		if len(d.Events) == 0 || len(d.Events) > ingress.HubSpotMaxBatch {
			t.Fatalf("accepted %d events", len(d.Events))
		}
		checkEvents(t, d, "hubspot:")
	})
}

func FuzzShopify(f *testing.F) {
	src, err := ingress.NewShopify([]string{shopifySecret, shopifyOldSecret})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, sig, eventID, topic string, sign bool) {
		if sign {
			sig = base64.StdEncoding.EncodeToString(macRaw(shopifySecret, body))
		}
		h := http.Header{}
		h.Set("X-Shopify-Hmac-Sha256", sig)
		h.Set("X-Shopify-Event-Id", eventID)
		h.Set("X-Shopify-Topic", topic)
		d, err := src.Open(rawRequest("/v1/webhooks/shopify", h, body), body)
		if err != nil {
			return
		}
		given, _ := base64.StdEncoding.DecodeString(sig)
		if !hmac.Equal(given, macRaw(shopifySecret, body)) && !hmac.Equal(given, macRaw(shopifyOldSecret, body)) {
			t.Fatalf("accepted without the right MAC: %q", sig)
		}
		if len(d.Events) != 1 || d.Events[0].WorkflowID != "shopify:"+eventID {
			t.Fatalf("unexpected delivery %+v", d)
		}
		checkEvents(t, d, "shopify:")
	})
}

// The timestamp is now+delta unless raw is set: slack-go and the Standard
// Webhooks library read the clock themselves.
func fuzzTimestamp(raw string, delta int64) string {
	if raw != "" {
		return raw
	}
	return strconv.FormatInt(time.Now().Unix()+delta%1_000_000, 10)
}

func FuzzSlack(f *testing.F) {
	src, err := ingress.NewSlack([]string{slackSecret, slackOldSecret})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, sig, rawTS string, delta int64, sign bool) {
		ts := fuzzTimestamp(rawTS, delta)
		right := func(secret string) []byte { return macRaw(secret, []byte("v0:"+ts+":"), body) }
		if sign {
			sig = "v0=" + hex.EncodeToString(right(slackSecret))
		}
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		d, err := src.Open(rawRequest("/v1/webhooks/slack", h, body), body)
		if err != nil {
			return
		}
		given, _ := hex.DecodeString(strings.TrimPrefix(sig, "v0="))
		if !strings.HasPrefix(sig, "v0=") || (!hmac.Equal(given, right(slackSecret)) && !hmac.Equal(given, right(slackOldSecret))) {
			t.Fatalf("accepted without the right MAC: %q", sig)
		}
		if d.Reply == nil && len(d.Events) != 1 {
			t.Fatalf("unexpected delivery %+v", d)
		}
		checkEvents(t, d, "slack:")
		if len(d.Events) == 1 {
			var probe map[string]json.RawMessage
			if json.Unmarshal(d.Events[0].Payload, &probe) != nil {
				t.Fatalf("payload is not a JSON object: %q", d.Events[0].Payload)
			}
			if _, has := probe["token"]; has {
				t.Fatalf("the legacy token reached the payload")
			}
		}
	})
}

func FuzzStandardWebhooks(f *testing.F) {
	src, err := ingress.NewStandardWebhooks("acme", []string{swSecret, swOldSecret})
	if err != nil {
		f.Fatal(err)
	}
	key := func(secret string) string {
		k, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		return string(k)
	}
	f.Fuzz(func(t *testing.T, body []byte, id, sigs, rawTS string, delta int64, sign bool) {
		ts := fuzzTimestamp(rawTS, delta)
		right := func(secret string) string {
			return "v1," + base64.StdEncoding.EncodeToString(macRaw(key(secret), []byte(fmt.Sprintf("%s.%s.", id, ts)), body))
		}
		if sign {
			sigs = strings.TrimSpace(sigs + " " + right(swSecret))
		}
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sigs)
		d, err := src.Open(rawRequest("/v1/webhooks/acme", h, body), body)
		if err != nil {
			return
		}
		// The library signs the timestamp as it parsed it; a timestamp with
		// a sign or leading zeros signs as its canonical form.
		n, _ := strconv.ParseInt(ts, 10, 64)
		canonical := strconv.FormatInt(n, 10)
		ok := false
		for _, s := range strings.Split(h.Get("webhook-signature"), " ") {
			for _, secret := range []string{swSecret, swOldSecret} {
				want := "v1," + base64.StdEncoding.EncodeToString(macRaw(key(secret), []byte(fmt.Sprintf("%s.%s.", id, canonical)), body))
				ok = ok || s == want
			}
		}
		if !ok {
			t.Fatalf("accepted without the right MAC: %q", sigs)
		}
		if len(d.Events) != 1 || d.Events[0].WorkflowID != "acme:"+id {
			t.Fatalf("unexpected delivery %+v", d)
		}
		checkEvents(t, d, "acme:")
	})
}

func macRaw(secret string, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}
