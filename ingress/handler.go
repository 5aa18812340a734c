package ingress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchyard/switchyard/workflows"
)

// Endpoint is a source as it is served: the scheme plus its limits.
type Endpoint struct {
	Source    Source
	BodyLimit int64
	// Allowed, when set, are the only client addresses served; others get 403
	// before the body is read.
	Allowed []netip.Prefix
	// StartTimeout, when set, shortens Deps.StartTimeout for a sender that
	// gives little time to answer (Slack: 3 s).
	StartTimeout time.Duration
}

// Deps is everything the HTTP server needs.
type Deps struct {
	Endpoints    []Endpoint
	Routes       []workflows.Route
	Starter      Starter
	StartTimeout time.Duration // how long one request waits for Temporal (default 5s)
	RetryAfter   time.Duration // what a 503 tells the sender (default 5s)
	Logger       *slog.Logger
	Metrics      *Metrics // nil: a private registry
	Now          func() time.Time
	// TrustedProxies may set X-Forwarded-For (allowlists, logs); none by default.
	TrustedProxies Proxies

	// Events and APIToken serve the read API (/v1/events); both must be set,
	// else those routes do not exist.
	Events   EventStore
	APIToken string
}

type server struct {
	Deps
	endpoints map[string]Endpoint
}

// maxParallelStarts bounds the starts one batched request runs at once.
const maxParallelStarts = 16

// NewHandler returns the gin engine that serves webhooks, health and metrics.
func NewHandler(d Deps) (*gin.Engine, error) {
	if d.Starter == nil {
		return nil, errors.New("ingress: no starter")
	}
	if d.StartTimeout <= 0 {
		d.StartTimeout = 5 * time.Second
	}
	if d.RetryAfter <= 0 {
		d.RetryAfter = 5 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &server{Deps: d, endpoints: map[string]Endpoint{}}
	for _, ep := range d.Endpoints {
		name := ep.Source.Name()
		if _, dup := s.endpoints[name]; dup {
			return nil, fmt.Errorf("ingress: source %q registered twice", name)
		}
		if ep.BodyLimit <= 0 {
			return nil, fmt.Errorf("ingress: source %q has no body limit", name)
		}
		s.endpoints[name] = ep
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.POST("/v1/webhooks/:source", s.webhook)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Metrics.Registry, promhttp.HandlerOpts{})))
	s.registerEvents(r)
	return r, nil
}

// webhook is the one generic handler: bounded read, verify, parse, start, answer.
func (s *server) webhook(c *gin.Context) {
	name := c.Param("source")
	ep, ok := s.endpoints[name]
	if !ok {
		s.reject(c, "unknown", fmt.Errorf("%w: %q", ErrUnknownSource, name))
		return
	}
	if addr := s.TrustedProxies.ClientAddr(c.Request); !allowed(ep.Allowed, addr) {
		s.reject(c, name, fmt.Errorf("%w: %s", ErrForbidden, addr))
		return
	}
	body, err := readBody(c.Writer, c.Request, ep.BodyLimit)
	if err != nil {
		s.reject(c, name, err)
		return
	}
	t0 := time.Now()
	d, err := ep.Source.Open(c.Request, body)
	s.Metrics.verify.WithLabelValues(name).Observe(time.Since(t0).Seconds())
	if err != nil {
		s.reject(c, name, err)
		return
	}
	if d.Reply != nil {
		s.Metrics.count(name, "reply")
		c.JSON(http.StatusOK, d.Reply)
		return
	}
	ctx, cancel := ep.startContext(c.Request.Context())
	defer cancel()
	results, err := s.startAll(ctx, name, d)
	if err != nil {
		s.reject(c, name, err, append(workflowIDAttr(d.Events), failuresAttr(err)...)...)
		return
	}
	if len(results) == 1 {
		c.JSON(http.StatusOK, results[0])
		return
	}
	c.JSON(http.StatusOK, gin.H{"events": results})
}

// result is the answer for one event: started, duplicate, or ignored.
type result struct {
	*Started
	Ignored bool   `json:"ignored,omitempty"`
	Type    string `json:"type,omitempty"`
}

// startAll starts every routed event, in parallel for a batch. It fails if
// any start failed, so the sender retries the whole delivery; the events
// already started then come back as duplicates.
func (s *server) startAll(ctx context.Context, source string, d Delivery) ([]result, error) {
	events := d.Events
	if len(events) == 0 {
		return nil, fmt.Errorf("%w: no events in delivery", ErrMalformed)
	}
	ctx, cancel := context.WithTimeout(ctx, s.StartTimeout)
	defer cancel()
	received := s.Now().UTC()
	results := make([]result, len(events))
	errs := make([]error, len(events))
	sem := make(chan struct{}, maxParallelStarts)
	var wg sync.WaitGroup
	for i, ev := range events {
		route, ok := workflows.FindRoute(s.Routes, source, ev.Type)
		if !ok {
			s.Metrics.count(source, "ignored")
			s.Logger.Info("event ignored: no route", "source", source, "type", ev.Type, "workflow_id", ev.WorkflowID)
			results[i] = result{Ignored: true, Type: ev.Type}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i], errs[i] = s.start(ctx, source, route, ev, received)
		}()
	}
	wg.Wait()
	return results, startsError(errs, d.Batch)
}

func (s *server) start(ctx context.Context, source string, route workflows.Route, ev Event, received time.Time) (result, error) {
	t0 := time.Now()
	st, err := s.Starter.Start(ctx, StartRequest{
		WorkflowID: ev.WorkflowID,
		Route:      route,
		Summary:    ev.Summary,
		Input: workflows.EventInput{
			Source: source, EventID: ev.EventID, Type: ev.Type, ObjectID: ev.ObjectID,
			ReceivedAt: received, Payload: ev.Payload, Meta: ev.Meta,
		},
	})
	s.Metrics.start.WithLabelValues(source).Observe(time.Since(t0).Seconds())
	if err != nil {
		return result{}, fmt.Errorf("start %s: %w", ev.WorkflowID, err)
	}
	outcome := "accepted"
	if st.Duplicate {
		outcome = "duplicate"
	}
	s.Metrics.count(source, outcome)
	s.Logger.Info("event "+outcome, "source", source, "type", ev.Type,
		"workflow_id", st.WorkflowID, "run_id", st.RunID, "workflow", route.Workflow)
	return result{Started: &st}, nil
}

// reject answers an error as JSON. The message comes from our own wrapped
// errors, never from a header or secret.
// attrs are extra log attributes, e.g. the workflow IDs of verified events.
func (s *server) reject(c *gin.Context, source string, err error, attrs ...any) {
	status, reason := statusOf(err)
	s.Metrics.count(source, "rejected_"+reason)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
		if status == http.StatusServiceUnavailable {
			c.Header("Retry-After", strconv.Itoa(int(s.RetryAfter.Seconds())))
		}
	}
	s.Logger.Log(c.Request.Context(), level, "webhook rejected", append([]any{"source", source,
		"status", status, "reason", reason, "error", err.Error(), "remote", s.TrustedProxies.ClientAddr(c.Request).String()}, attrs...)...)
	c.AbortWithStatusJSON(status, gin.H{"error": err.Error()})
}

// workflowIDAttr names the events of a delivery in a log line: workflow_id
// for one, workflow_ids for a batch.
func workflowIDAttr(events []Event) []any {
	if len(events) == 1 {
		return []any{"workflow_id", events[0].WorkflowID}
	}
	ids := make([]string, len(events))
	for i, ev := range events {
		ids[i] = ev.WorkflowID
	}
	return []any{"workflow_ids", ids}
}

func (s *server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Starter.Ready(ctx); err != nil {
		c.Header("Retry-After", strconv.Itoa(int(s.RetryAfter.Seconds())))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// readBody reads at most limit bytes. A declared or actual length over the
// limit is ErrTooLarge before anything is verified.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", ErrTooLarge, r.ContentLength, limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, fmt.Errorf("%w: limit %d bytes", ErrTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("%w: reading body: %v", ErrMalformed, err)
	}
	return body, nil
}

// startContext bounds the starts by the endpoint's own timeout, if it has one.
func (ep Endpoint) startContext(parent context.Context) (context.Context, context.CancelFunc) {
	if ep.StartTimeout <= 0 {
		return parent, func() {}
	}
	return context.WithTimeout(parent, ep.StartTimeout)
}
