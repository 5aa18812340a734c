package ingress_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/switchyard/switchyard/ingress"
)

// FuzzOpenSignedBodies feeds arbitrary bodies, correctly signed or not, to
// every built-in source. Open must never panic; an unsigned body is always
// ErrBadSignature; a signed one is either a well-formed delivery or
// ErrMalformed — never any other outcome. (`make chaos` runs it.)
func FuzzOpenSignedBodies(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}`), true)
	f.Add([]byte(`{"action":"opened","issue":{"number":1},"repository":{"full_name":"o/r"}}`), true)
	f.Add([]byte(`not json`), true)
	f.Add([]byte(`{"id":""}`), false)
	stripeSrc, err := ingress.NewStripe([]string{stripeSecret})
	if err != nil {
		f.Fatal(err)
	}
	githubSrc, err := ingress.NewGitHub([]string{githubSecret})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		sr := githubRequest(body)
		sr.Header.Del("X-Hub-Signature-256")
		sr.Header.Set("Stripe-Signature", "t="+strconv.FormatInt(time.Now().Unix(), 10)+",v1=00")
		gr := githubRequest(body)
		if signed {
			sr.Header.Set("Stripe-Signature", stripeHeader(body, stripeSecret))
		} else {
			gr.Header.Set("X-Hub-Signature-256", "sha256=00")
		}
		for _, c := range []struct {
			src ingress.Source
			d   func() (ingress.Delivery, error)
		}{
			{stripeSrc, func() (ingress.Delivery, error) { return stripeSrc.Open(sr, body) }},
			{githubSrc, func() (ingress.Delivery, error) { return githubSrc.Open(gr, body) }},
		} {
			d, err := c.d()
			switch {
			case !signed:
				if !errors.Is(err, ingress.ErrBadSignature) {
					t.Fatalf("%s: unsigned body gave %v, want ErrBadSignature", c.src.Name(), err)
				}
			case err != nil:
				if !errors.Is(err, ingress.ErrMalformed) {
					t.Fatalf("%s: signed body gave %v, want ErrMalformed or success", c.src.Name(), err)
				}
			case d.Reply == nil:
				if len(d.Events) == 0 || d.Events[0].WorkflowID == "" || d.Events[0].EventID == "" {
					t.Fatalf("%s: accepted delivery without an event ID: %+v", c.src.Name(), d)
				}
			}
		}
	})
}
