package ingress_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/workflows"
)

// Micro benchmarks for `make bench` (never run by `make test`): verification
// per source beside a bare HMAC-SHA256 of the same number of bytes, verify
// and parse per source, and the whole handler path with a starter that does
// nothing, for allocations per request. bench/cmd/bench reads the names
// HMAC/<size>, Verify/<source>/<size>, Open/<source>/<size> and Handler.

var benchSizes = []int{4 << 10, 64 << 10}

func sizeName(size int) string { return strconv.Itoa(size>>10) + "KB" }

// stripeHeader and githubRequest sign for FuzzOpenSignedBodies.
func stripeHeader(body []byte, secret string) string {
	return signedStripe(body, secret, time.Now()).Header.Get("Stripe-Signature")
}

func githubRequest(body []byte) *http.Request { return signedGitHub("issues", body, githubSecret) }

// BenchmarkHMAC is the floor: HMAC-SHA256 over the body and a constant-time compare.
func BenchmarkHMAC(b *testing.B) {
	for _, size := range benchSizes {
		body := padded(stripeEvent("evt_bench"), size)
		m := hmac.New(sha256.New, []byte(stripeSecret))
		m.Write(body)
		want := m.Sum(nil)
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				m := hmac.New(sha256.New, []byte(stripeSecret))
				m.Write(body)
				if !hmac.Equal(m.Sum(nil), want) {
					b.Fatal("mismatch")
				}
			}
		})
	}
}

// BenchmarkVerify is each source's whole signature check and nothing after
// it. HubSpot's and Shopify's checks are hand-written and unexported, so all
// six are timed the same way: Source.Open given a well-formed signature made
// with a secret the source does not hold. That runs the full check — headers,
// timestamp, the MAC over every byte, the constant-time compare — and stops
// before parsing, as no accepted request can.
func BenchmarkVerify(b *testing.B) {
	for _, size := range benchSizes {
		for _, s := range benchSources(b) {
			body := s.body(size)
			b.Run(s.name+"/"+sizeName(size), func(b *testing.B) {
				r := s.sign(body, s.other)
				if _, err := s.src.Open(r, body); !errors.Is(err, ingress.ErrBadSignature) {
					b.Fatalf("want ErrBadSignature after the full check, got %v", err)
				}
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					if _, err := s.src.Open(r, body); err == nil {
						b.Fatal("accepted a signature made with another secret")
					}
				}
			})
		}
	}
}

// BenchmarkOpen is what the handler runs per request: verify and parse.
func BenchmarkOpen(b *testing.B) {
	for _, size := range benchSizes {
		for _, s := range benchSources(b) {
			body := s.body(size)
			b.Run(s.name+"/"+sizeName(size), func(b *testing.B) {
				r := s.sign(body, s.secret)
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.src.Open(r, body); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
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
	body := padded(stripeEvent("evt_bench"), 4<<10)
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
