package worker

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"github.com/switchyard/switchyard/internal/httpserve"
)

// Metrics exports the Temporal SDK's metrics (worker polls, task latencies,
// activity and workflow outcomes, client requests) to Prometheus. It is an
// adapter over client_golang rather than contrib/tally, which is not among the
// pinned, known-to-resolve modules.
//
// The SDK attaches different tag sets to the same metric name (a client
// request has no task_queue, a worker's does), which Prometheus forbids
// within one family; so series are kept here and each scrape emits them with
// the union of a family's label names, "" where a tag is absent.
type Metrics struct {
	Registry *prometheus.Registry
	store    *metricStore
}

// TimerBuckets are the histogram buckets (seconds) for the SDK's timers.
var TimerBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// NewMetrics returns an empty set of SDK metrics on a fresh registry, with
// Go and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), store: &metricStore{families: map[string]*family{}}}
	m.Registry.MustRegister(m.store, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Handler is what client.Options.MetricsHandler takes.
func (m *Metrics) Handler() client.MetricsHandler { return promHandler{store: m.store} }

// HTTPHandler serves the registry in the Prometheus text format.
func (m *Metrics) HTTPHandler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Serve serves /metrics (and /healthz) on addr until ctx ends.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.HTTPHandler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, `{"status":"ok"}`) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Info("worker metrics listening", "addr", ln.Addr().String())
	if err := httpserve.Serve(ctx, ln, srv, 5*time.Second); err != nil {
		return fmt.Errorf("worker metrics: %w", err)
	}
	return nil
}

type kind int

const (
	counterKind kind = iota
	gaugeKind
	timerKind
)

// metricStore holds every series; it is the Prometheus collector.
type metricStore struct {
	mu       sync.Mutex
	families map[string]*family
}

type family struct {
	name   string
	kind   kind
	labels map[string]bool
	series map[string]*series // by canonical tag string
}

type series struct {
	mu      sync.Mutex
	tags    map[string]string
	value   float64  // counter or gauge
	count   uint64   // timer
	sum     float64  // timer, seconds
	buckets []uint64 // timer, cumulative at scrape
}

// get finds or creates a series. A name first used as one kind keeps it; a
// later use as another kind gets a suffixed family so nothing panics.
func (s *metricStore) get(name string, k kind, tags map[string]string, key string) *series {
	name = promName(name)
	if k == timerKind {
		name += "_seconds"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.families[name]
	if ok && f.kind != k {
		name += [...]string{"_counter", "_gauge", "_timer"}[k]
		f, ok = s.families[name]
	}
	if !ok {
		f = &family{name: name, kind: k, labels: map[string]bool{}, series: map[string]*series{}}
		s.families[name] = f
	}
	sr, ok := f.series[key]
	if !ok {
		sr = &series{tags: tags}
		if k == timerKind {
			sr.buckets = make([]uint64, len(TimerBuckets))
		}
		f.series[key] = sr
		for t := range tags {
			f.labels[t] = true
		}
	}
	return sr
}

// Describe sends nothing: the collector is unchecked, its families change
// as the SDK emits new metrics.
func (s *metricStore) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (s *metricStore) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.families {
		names := make([]string, 0, len(f.labels))
		for l := range f.labels {
			names = append(names, l)
		}
		sort.Strings(names)
		desc := prometheus.NewDesc(f.name, "Temporal SDK metric "+f.name+".", names, nil)
		for _, sr := range f.series {
			values := make([]string, len(names))
			for i, n := range names {
				values[i] = sr.tags[n]
			}
			sr.mu.Lock()
			switch f.kind {
			case counterKind:
				ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, sr.value, values...)
			case gaugeKind:
				ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, sr.value, values...)
			case timerKind:
				b := make(map[float64]uint64, len(TimerBuckets))
				for i, ub := range TimerBuckets {
					b[ub] = sr.buckets[i]
				}
				ch <- prometheus.MustNewConstHistogram(desc, sr.count, sr.sum, b, values...)
			}
			sr.mu.Unlock()
		}
	}
}

// promHandler implements the SDK's metrics.Handler.
type promHandler struct {
	store *metricStore
	tags  map[string]string
	key   string
}

func (h promHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[promName(k)] = v
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\x00" + merged[k] + "\x00")
	}
	return promHandler{store: h.store, tags: merged, key: b.String()}
}

func (h promHandler) Counter(name string) client.MetricsCounter {
	return counter{h.store.get(name, counterKind, h.tags, h.key)}
}

func (h promHandler) Gauge(name string) client.MetricsGauge {
	return gauge{h.store.get(name, gaugeKind, h.tags, h.key)}
}

func (h promHandler) Timer(name string) client.MetricsTimer {
	return timer{h.store.get(name, timerKind, h.tags, h.key)}
}

type counter struct{ s *series }

// Inc ignores negative deltas: a Prometheus counter only goes up.
func (c counter) Inc(d int64) {
	if d <= 0 {
		return
	}
	c.s.mu.Lock()
	c.s.value += float64(d)
	c.s.mu.Unlock()
}

type gauge struct{ s *series }

func (g gauge) Update(v float64) { g.s.mu.Lock(); g.s.value = v; g.s.mu.Unlock() }

type timer struct{ s *series }

func (t timer) Record(d time.Duration) {
	sec := d.Seconds()
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	t.s.count++
	t.s.sum += sec
	for i, ub := range TimerBuckets {
		if sec <= ub {
			t.s.buckets[i]++
		}
	}
}

// promName makes a metric or label name valid for Prometheus.
func promName(s string) string {
	var b strings.Builder
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}
