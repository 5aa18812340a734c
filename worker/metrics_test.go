package worker_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/worker"
)

func scrape(t *testing.T, m *worker.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.HTTPHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body, _ := io.ReadAll(w.Body)
	return string(body)
}

func TestMetricsAdapter(t *testing.T) {
	m := worker.NewMetrics()
	root := m.Handler().WithTags(map[string]string{"namespace": "default"})
	wk := root.WithTags(map[string]string{"task_queue": "switchyard", "worker_type": "ActivityWorker"})

	root.Counter("temporal_request").Inc(2)
	wk.Counter("temporal_request").Inc(3) // same name, more tags: one family
	wk.Counter("temporal_request").Inc(1)
	wk.Counter("temporal_request").Inc(-5) // a counter never goes down
	wk.Gauge("temporal_worker_task_slots_available").Update(7)
	wk.Gauge("temporal_worker_task_slots_available").Update(4)
	tm := wk.WithTags(map[string]string{"activity_type": "CommentOnIssue"}).Timer("temporal_activity_execution_latency")
	tm.Record(3 * time.Millisecond)
	tm.Record(2 * time.Second)
	root.Counter("odd-name.x").Inc(1)

	out := scrape(t, m)
	for _, want := range []string{
		`temporal_request{namespace="default",task_queue="",worker_type=""} 2`,
		`temporal_request{namespace="default",task_queue="switchyard",worker_type="ActivityWorker"} 4`,
		`temporal_worker_task_slots_available{namespace="default",task_queue="switchyard",worker_type="ActivityWorker"} 4`,
		`temporal_activity_execution_latency_seconds_bucket{activity_type="CommentOnIssue",namespace="default",task_queue="switchyard",worker_type="ActivityWorker",le="0.005"} 1`,
		`temporal_activity_execution_latency_seconds_bucket{activity_type="CommentOnIssue",namespace="default",task_queue="switchyard",worker_type="ActivityWorker",le="2.5"} 2`,
		`temporal_activity_execution_latency_seconds_count{activity_type="CommentOnIssue",namespace="default",task_queue="switchyard",worker_type="ActivityWorker"} 2`,
		`odd_name_x{namespace="default"} 1`,
		"go_goroutines",
	} {
		assert.Contains(t, out, want)
	}
	assert.False(t, strings.Contains(out, "# HELP temporal_request_counter"), "no duplicate family")
}

func TestMetricsKindClashDoesNotBreakScrape(t *testing.T) {
	m := worker.NewMetrics()
	h := m.Handler()
	h.Counter("x").Inc(1)
	h.Gauge("x").Update(5)
	out := scrape(t, m)
	assert.Contains(t, out, "x 1")
	assert.Contains(t, out, "x_gauge 5")
}
