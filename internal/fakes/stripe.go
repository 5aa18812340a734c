package fakes

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
)

// Stripe is a small Stripe API fake with state a test controls: stripe-mock
// answers every ID with the same fixture (a PaymentIntent that never
// succeeded, a customer without email), so a test about what the CRM ends up
// with after events arrive in some order needs objects whose state it sets.
// It serves GET for the objects Put stores, with expand[] of stored objects;
// every other request is passed to stripe-mock (Fallback), so the rest of a
// test suite keeps using stripe-mock's fixtures.
type Stripe struct {
	*httptest.Server
	behaviour

	objects map[string]map[string]any // ID → object JSON
	proxy   *httputil.ReverseProxy
}

// NewStripe starts the fake; fallback is stripe-mock's URL.
func NewStripe(fallback string) (*Stripe, error) {
	u, err := url.Parse(fallback)
	if err != nil {
		return nil, err
	}
	s := &Stripe{objects: map[string]map[string]any{}, proxy: httputil.NewSingleHostReverseProxy(u)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s, nil
}

// Put stores (or replaces) an object; it must have "id" and "object".
func (s *Stripe) Put(obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[obj["id"].(string)] = obj
}

var stripeObjectPath = regexp.MustCompile(`^/v1/(payment_intents|charges|customers|invoices|checkout/sessions)/([^/]+)$`)

func (s *Stripe) serve(w http.ResponseWriter, r *http.Request) {
	m := stripeObjectPath.FindStringSubmatch(r.URL.Path)
	s.mu.Lock()
	obj, ok := map[string]any(nil), false
	if m != nil && r.Method == http.MethodGet {
		obj, ok = s.objects[m[2]]
	}
	if !ok {
		s.mu.Unlock()
		s.proxy.ServeHTTP(w, r)
		return
	}
	defer s.mu.Unlock()
	s.requests++
	w.Header().Set("Content-Type", "application/json")
	reply := func(status int, msg string) {
		writeJSON(w, status, map[string]any{"error": map[string]string{"type": "api_error", "message": msg}})
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer sk_") {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{
			"type": "invalid_request_error", "message": "Invalid API Key provided"}})
		return
	}
	if !s.gate(w, "", reply) {
		return
	}
	out := map[string]any{}
	for k, v := range obj {
		out[k] = v
	}
	for key, fields := range r.URL.Query() { // expand[]=x or expand[0]=x
		if !strings.HasPrefix(key, "expand[") {
			continue
		}
		for _, field := range fields {
			if id, isID := out[field].(string); isID {
				if sub, stored := s.objects[id]; stored {
					out[field] = sub
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
