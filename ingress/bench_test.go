package ingress_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// Micro benchmarks for `make bench` (never run by `make test`): verification
// per source beside a bare HMAC-SHA256 of the same bytes, and the whole
// handler path with a starter that does nothing, for allocations per request.

var benchSizes = []int{4 << 10, 64 << 10}

func benchBody(id string, size int) []byte {
	head := fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","api_version":"2023-10-16","created":%d,"livemode":false,`+
		`"action":"opened","repository":{"full_name":"octo/repo","name":"repo","owner":{"login":"octo"}},"issue":{"number":7},`+
		`"data":{"object":{"id":"pi_1","object":"payment_intent","amount":1099,"currency":"usd","description":"`, id, time.Now().Unix())
	return []byte(head + strings.Repeat("x", max(size-len(head)-4, 0)) + `"}}}`)
}

func stripeHeader(body []byte, secret string) string {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

func githubHeader(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func githubRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/github", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", "issues")
	r.Header.Set("X-GitHub-Delivery", "d-1")
	r.Header.Set("X-GitHub-Hook-ID", "42")
	r.Header.Set("X-Hub-Signature-256", githubHeader(body, githubSecret))
	return r
}

// BenchmarkHMAC is the floor: HMAC-SHA256 over the body and a constant-time compare.
func BenchmarkHMAC(b *testing.B) {
	for _, size := range benchSizes {
		body := benchBody("evt_1", size)
		want, _ := hex.DecodeString(strings.TrimPrefix(githubHeader(body, githubSecret), "sha256="))
		b.Run(strconv.Itoa(size>>10)+"KB", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				m := hmac.New(sha256.New, []byte(githubSecret))
				m.Write(body)
				if !hmac.Equal(m.Sum(nil), want) {
					b.Fatal("mismatch")
				}
			}
		})
	}
}

// BenchmarkVerify is signature verification alone, with each provider's library.
func BenchmarkVerify(b *testing.B) {
	for _, size := range benchSizes {
		body := benchBody("evt_1", size)
		kb := strconv.Itoa(size>>10) + "KB"
		b.Run("stripe/"+kb, func(b *testing.B) {
			h := stripeHeader(body, stripeSecret)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := webhook.ValidatePayloadWithTolerance(body, h, stripeSecret, ingress.StripeTolerance); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("github/"+kb, func(b *testing.B) {
			sig := githubHeader(body, githubSecret)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := github.ValidateSignature(sig, body, []byte(githubSecret)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen is what the handler runs per request: verify and parse.
func BenchmarkOpen(b *testing.B) {
	for _, size := range benchSizes {
		body := benchBody("evt_1", size)
		kb := strconv.Itoa(size>>10) + "KB"
		b.Run("stripe/"+kb, func(b *testing.B) {
			src, err := ingress.NewStripe([]string{stripeSecret})
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/stripe", nil)
			r.Header.Set("Stripe-Signature", stripeHeader(body, stripeSecret))
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := src.Open(r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("github/"+kb, func(b *testing.B) {
			src, err := ingress.NewGitHub([]string{githubSecret})
			if err != nil {
				b.Fatal(err)
			}
			r := githubRequest(body)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := src.Open(r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// nopStarter records nothing, so the benchmark measures only the ingress.
type nopStarter struct{}

func (nopStarter) Start(_ context.Context, req ingress.StartRequest) (ingress.Started, error) {
	return ingress.Started{WorkflowID: req.WorkflowID, RunID: "run"}, nil
}
func (nopStarter) Ready(context.Context) error { return nil }

// BenchmarkHandler is one signed 4 KB Stripe webhook through the whole gin
// handler (read, verify, parse, route, start, answer) with a starter that
// does nothing; its allocs/op are the ingress's own per request.
func BenchmarkHandler(b *testing.B) {
	src, err := ingress.NewStripe([]string{stripeSecret})
	if err != nil {
		b.Fatal(err)
	}
	h, err := ingress.NewHandler(ingress.Deps{
		Endpoints: []ingress.Endpoint{{Source: src, BodyLimit: 2 << 20}},
		Routes:    workflows.DefaultRoutes(), Starter: nopStarter{},
	})
	if err != nil {
		b.Fatal(err)
	}
	body := benchBody("evt_1", 4<<10)
	sig := stripeHeader(body, stripeSecret)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/stripe", bytes.NewReader(body))
		r.Header.Set("Stripe-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
