package ingress

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the ingress's Prometheus series. Outcomes: accepted, duplicate,
// ignored, reply, and one per rejection reason (see statusOf).
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	verify   *prometheus.HistogramVec
	start    *prometheus.HistogramVec
}

// NewMetrics registers the series on a fresh registry, with Go and process
// collectors, so tests and several servers in one process never collide.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchyard_webhook_events_total",
			Help: "Webhook events (or rejected requests) by source and outcome.",
		}, []string{"source", "outcome"}),
		verify: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchyard_webhook_verify_seconds",
			Help:    "Time to verify and parse one webhook request.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10),
		}, []string{"source"}),
		start: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchyard_workflow_start_seconds",
			Help:    "Time for Temporal to record one workflow start (or report a duplicate).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"source"}),
	}
	m.Registry.MustRegister(m.requests, m.verify, m.start,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) count(source, outcome string) { m.requests.WithLabelValues(source, outcome).Inc() }
