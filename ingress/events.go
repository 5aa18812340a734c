package ingress

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// EventStatus is what the status API answers for one event.
type EventStatus struct {
	Source     string     `json:"source"`
	ID         string     `json:"id"`
	Type       string     `json:"type"`
	WorkflowID string     `json:"workflow_id"`
	RunID      string     `json:"run_id"`
	Status     string     `json:"status"`
	StartedAt  time.Time  `json:"started_at"`
	ClosedAt   *time.Time `json:"closed_at"`
	// Failure is why a closed run did not complete; null when there is none
	// (or it could not be read), so the field is always in the answer.
	Failure *string `json:"failure"`
}

// EventFilter selects events for a listing. Values are validated by the
// handler before a store sees them.
type EventFilter struct {
	Source    string
	Type      string
	Status    string // one of Statuses, or empty
	Limit     int
	PageToken []byte
}

// EventPage is one page of a listing; NextPageToken is empty on the last page.
type EventPage struct {
	Events        []EventStatus
	NextPageToken []byte
}

// EventStore finds events. TemporalEvents reads Temporal; handler tests use a fake.
type EventStore interface {
	// Describe returns the latest run of the workflow, or an error wrapping
	// ErrEventNotFound.
	Describe(ctx context.Context, workflowID string) (EventStatus, error)
	List(ctx context.Context, f EventFilter) (EventPage, error)
}

// ErrEventNotFound is answered as 404 by the status API.
var ErrEventNotFound = errors.New("event not found")

// Statuses are the status names the API speaks, mapped to Temporal's
// ExecutionStatus values. The map is also the allow-list for ?status=.
var Statuses = map[string]string{
	"running":          "Running",
	"completed":        "Completed",
	"failed":           "Failed",
	"canceled":         "Canceled",
	"terminated":       "Terminated",
	"continued_as_new": "ContinuedAsNew",
	"timed_out":        "TimedOut",
}

// WorkflowIDFor is the workflow ID of event id from source, built by the same
// helpers the sources use. A GitHub id is "<hook id>:<delivery guid>".
func WorkflowIDFor(source, id string) (string, error) {
	if err := checkID("event id", id); err != nil {
		return "", err
	}
	switch source {
	case "stripe":
		return StripeWorkflowID(id), nil
	case "github":
		hook, delivery, ok := strings.Cut(id, ":")
		if !ok || hook == "" || delivery == "" {
			return "", fmt.Errorf("%w: a GitHub event id is <hook id>:<delivery guid>", ErrMalformed)
		}
		return GitHubWorkflowID(hook, delivery), nil
	}
	if !namePattern.MatchString(source) {
		return "", fmt.Errorf("%w: source name", ErrMalformed)
	}
	return source + ":" + id, nil
}

// EventIDOf is the inverse of WorkflowIDFor: the id part of a workflow ID.
func EventIDOf(source, workflowID string) string {
	return strings.TrimPrefix(workflowID, source+":")
}

// Listing bounds.
const (
	DefaultListLimit = 20
	MaxListLimit     = 100
)

// Filter values are restricted to what sources produce, so nothing a caller
// sends can change the meaning of the visibility query they end up in.
var (
	namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	typePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`)
)

// VisibilityQuery builds the Temporal visibility query for f. Every value is
// checked against an allow-list pattern and then single-quoted.
func VisibilityQuery(f EventFilter) (string, error) {
	clauses := []string{"WebhookSource IS NOT NULL"}
	if f.Source != "" {
		if !namePattern.MatchString(f.Source) {
			return "", fmt.Errorf("%w: source must match %s", ErrMalformed, namePattern)
		}
		clauses = append(clauses, "WebhookSource = "+quote(f.Source))
	}
	if f.Type != "" {
		if !typePattern.MatchString(f.Type) {
			return "", fmt.Errorf("%w: type must match %s", ErrMalformed, typePattern)
		}
		clauses = append(clauses, "WebhookEventType = "+quote(f.Type))
	}
	if f.Status != "" {
		st, ok := Statuses[f.Status]
		if !ok {
			return "", fmt.Errorf("%w: status must be one of running, completed, failed, canceled, terminated, continued_as_new, timed_out", ErrMalformed)
		}
		clauses = append(clauses, "ExecutionStatus = "+quote(st))
	}
	return strings.Join(clauses, " AND "), nil
}

// quote single-quotes a value for a visibility query, escaping backslashes
// and quotes (defence in depth: callers allow-list values first).
func quote(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	return "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
}

// registerEvents serves the read API, only when a token and a store are
// configured: without a token it is not served at all, never open.
func (s *server) registerEvents(r *gin.Engine) {
	if s.APIToken == "" || s.Events == nil {
		return
	}
	g := r.Group("/v1/events", s.bearer)
	g.GET("", s.listEvents)
	g.GET("/:source/*id", s.getEvent)
}

// bearer checks Authorization: Bearer <token>. Hashing both sides first makes
// the comparison constant-time whatever the lengths.
func (s *server) bearer(c *gin.Context) {
	got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	want := sha256.Sum256([]byte(s.APIToken))
	have := sha256.Sum256([]byte(strings.TrimSpace(got)))
	if !ok || subtle.ConstantTimeCompare(want[:], have[:]) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="switchyard"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "missing or wrong bearer token"})
		return
	}
	c.Next()
}

func (s *server) getEvent(c *gin.Context) {
	source, id := c.Param("source"), strings.TrimPrefix(c.Param("id"), "/")
	wid, err := WorkflowIDFor(source, id)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	ev, err := s.Events.Describe(c.Request.Context(), wid)
	if err != nil {
		s.eventsError(c, wid, err)
		return
	}
	ev.Source, ev.ID = source, id
	c.JSON(http.StatusOK, ev)
}

func (s *server) listEvents(c *gin.Context) {
	f := EventFilter{Source: c.Query("source"), Type: c.Query("type"), Status: c.Query("status"), Limit: DefaultListLimit}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxListLimit {
			c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("limit must be 1..%d", MaxListLimit)})
			return
		}
		f.Limit = n
	}
	if v := c.Query("page_token"); v != "" {
		tok, ok := s.openPageToken(v)
		if !ok {
			c.JSON(http.StatusBadRequest, gin.H{"error": "page_token is not a token this API issued"})
			return
		}
		f.PageToken = tok
	}
	if _, err := VisibilityQuery(f); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	page, err := s.Events.List(c.Request.Context(), f)
	if err != nil {
		s.eventsError(c, "", err)
		return
	}
	out := gin.H{"events": page.Events}
	if page.Events == nil {
		out["events"] = []EventStatus{}
	}
	if len(page.NextPageToken) > 0 {
		out["next_page_token"] = s.sealPageToken(page.NextPageToken)
	}
	c.JSON(http.StatusOK, out)
}

// Page tokens are Temporal's, sealed with a MAC keyed by the API token: a
// forged or edited token is refused here instead of reaching the server
// (which retries on tokens it cannot parse until the request times out).
const pageMACLen = 16

func (s *server) pageMAC(raw []byte) []byte {
	key := sha256.Sum256([]byte("switchyard page token\x00" + s.APIToken))
	m := hmac.New(sha256.New, key[:])
	m.Write(raw)
	return m.Sum(nil)[:pageMACLen]
}

func (s *server) sealPageToken(raw []byte) string {
	return base64.RawURLEncoding.EncodeToString(append(s.pageMAC(raw), raw...))
}

func (s *server) openPageToken(v string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) <= pageMACLen {
		return nil, false
	}
	raw := b[pageMACLen:]
	return raw, hmac.Equal(b[:pageMACLen], s.pageMAC(raw))
}

func (s *server) eventsError(c *gin.Context, workflowID string, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrEventNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrMalformed):
		status = http.StatusBadRequest
	case errors.Is(err, ErrUnavailable):
		status = http.StatusServiceUnavailable
		c.Header("Retry-After", strconv.Itoa(int(s.RetryAfter.Seconds())))
	}
	if status >= 500 {
		s.Logger.Warn("status API failed", "workflow_id", workflowID, "status", status, "error", err.Error())
	}
	c.AbortWithStatusJSON(status, gin.H{"error": err.Error()})
}
