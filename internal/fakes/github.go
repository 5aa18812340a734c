// Package fakes holds httptest servers that behave like the providers' APIs:
// they check credentials and paths, keep state, paginate, rate-limit with the
// providers' headers and can fail on demand. Tests assert against their state.
package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// GitHubComment is one stored issue comment.
type GitHubComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url"`
}

// GitHub is a fake GitHub REST API for the endpoints Switchyard calls.
type GitHub struct {
	*httptest.Server
	Token string

	mu          sync.Mutex
	comments    map[string][]GitHubComment // "owner/repo#n" → comments
	nextID      int64
	failNext    int           // answer this many requests with 500
	rateLimited int           // answer this many requests with 429
	retryAfter  time.Duration // Retry-After sent with a 429
	requests    int
}

// NewGitHub starts the fake; close it with Close.
func NewGitHub(token string) *GitHub {
	g := &GitHub{Token: token, comments: map[string][]GitHubComment{}, nextID: 1000}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	return g
}

// FailNext makes the next n requests fail with 500.
func (g *GitHub) FailNext(n int) { g.mu.Lock(); g.failNext = n; g.mu.Unlock() }

// RateLimitNext makes the next n requests answer 429 with Retry-After.
func (g *GitHub) RateLimitNext(n int, retryAfter time.Duration) {
	g.mu.Lock()
	g.rateLimited, g.retryAfter = n, retryAfter
	g.mu.Unlock()
}

// Comments returns the comments on one issue.
func (g *GitHub) Comments(owner, repo string, number int) []GitHubComment {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GitHubComment(nil), g.comments[fmt.Sprintf("%s/%s#%d", owner, repo, number)]...)
}

// AddComment stores a comment as if someone else had posted it.
func (g *GitHub) AddComment(owner, repo string, number int, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := fmt.Sprintf("%s/%s#%d", owner, repo, number)
	g.nextID++
	g.comments[key] = append(g.comments[key], GitHubComment{ID: g.nextID, Body: body})
}

// Requests counts the requests served.
func (g *GitHub) Requests() int { g.mu.Lock(); defer g.mu.Unlock(); return g.requests }

var issueCommentsPath = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests++
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if r.Header.Get("Authorization") != "Bearer "+g.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	if g.failNext > 0 {
		g.failNext--
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Server Error"})
		return
	}
	if g.rateLimited > 0 {
		g.rateLimited--
		w.Header().Set("Retry-After", strconv.Itoa(int(g.retryAfter.Seconds())))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "You have exceeded a secondary rate limit."})
		return
	}
	m := issueCommentsPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	key := fmt.Sprintf("%s/%s#%s", m[1], m[2], m[3])
	switch r.Method {
	case http.MethodGet:
		g.listComments(w, r, key)
	case http.MethodPost:
		var in struct {
			Body string `json:"body"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
			return
		}
		g.nextID++
		c := GitHubComment{ID: g.nextID, Body: in.Body, URL: fmt.Sprintf("https://github.com/%s/%s/issues/%s#issuecomment-%d", m[1], m[2], m[3], g.nextID)}
		g.comments[key] = append(g.comments[key], c)
		writeJSON(w, http.StatusCreated, c)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
	}
}

// listComments pages like GitHub: per_page and page, with a Link header.
func (g *GitHub) listComments(w http.ResponseWriter, r *http.Request, key string) {
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page <= 0 {
		page = 1
	}
	all := g.comments[key]
	start := min((page-1)*perPage, len(all))
	end := min(start+perPage, len(all))
	if end < len(all) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		q.Set("per_page", strconv.Itoa(perPage))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, next.RequestURI()))
	}
	writeJSON(w, http.StatusOK, append([]GitHubComment{}, all[start:end]...))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
