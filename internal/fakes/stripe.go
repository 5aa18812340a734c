package fakes

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strconv"
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
	events  []map[string]any          // GET /v1/events, when set (ServeEvents)
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

// ServeEvents makes GET /v1/events list these events (created[gte],
// types[], starting_after and limit, newest first, as Stripe does) instead
// of stripe-mock's one fixture; nil hands the route back to stripe-mock.
// Each event needs "id", "type" and a numeric "created".
func (s *Stripe) ServeEvents(events []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append([]map[string]any(nil), events...)
	sort.SliceStable(s.events, func(i, j int) bool { return created(s.events[i]) > created(s.events[j]) })
	if events == nil {
		s.events = nil
	}
}

func created(e map[string]any) int64 {
	switch v := e["created"].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

// listEvents answers GET /v1/events from the ServeEvents log.
func (s *Stripe) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since int64
	if v := q.Get("created[gte]"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"type": "invalid_request_error", "message": "created[gte] must be an integer"}})
			return
		}
		since = n
	}
	types := map[string]bool{}
	for key, vals := range q {
		if strings.HasPrefix(key, "types[") {
			for _, v := range vals {
				types[v] = true
			}
		}
	}
	limit := 10 // Stripe's default page size
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"type": "invalid_request_error", "message": "limit must be between 1 and 100"}})
			return
		}
		limit = n
	}
	after := q.Get("starting_after")
	var page []map[string]any
	more := false
	for _, e := range s.events {
		if after != "" {
			if e["id"] == after {
				after = ""
			}
			continue
		}
		if created(e) < since || (len(types) > 0 && !types[e["type"].(string)]) {
			continue
		}
		if len(page) == limit {
			more = true
			break
		}
		page = append(page, e)
	}
	if page == nil {
		page = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "url": "/v1/events", "has_more": more, "data": page})
}

var stripeObjectPath = regexp.MustCompile(`^/v1/(payment_intents|charges|customers|invoices|checkout/sessions)/([^/]+)$`)

func (s *Stripe) serve(w http.ResponseWriter, r *http.Request) {
	m := stripeObjectPath.FindStringSubmatch(r.URL.Path)
	s.mu.Lock()
	obj, ok := map[string]any(nil), false
	if m != nil && r.Method == http.MethodGet {
		obj, ok = s.objects[m[2]]
	}
	listing := s.events != nil && r.Method == http.MethodGet && r.URL.Path == "/v1/events"
	if !ok && !listing {
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
	if listing {
		s.listEvents(w, r)
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
