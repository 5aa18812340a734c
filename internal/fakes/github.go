// Package fakes holds httptest servers that behave like the providers' APIs:
// they check credentials and paths, keep state, paginate, rate-limit with the
// providers' headers and can fail on demand. Tests assert against their state.
package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitHubComment is one stored issue comment.
type GitHubComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url"`
}

// GitHubFile is one file of a pull request.
type GitHubFile struct {
	Filename  string `json:"filename"`
	Status    string `json:"status"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
	Changes   int    `json:"changes"`
}

// GitHubStatus is one commit status as created.
type GitHubStatus struct {
	ID          int64  `json:"id"`
	State       string `json:"state"`
	Context     string `json:"context"`
	Description string `json:"description"`
	TargetURL   string `json:"target_url"`
}

// GitHubDelivery is one stored webhook delivery.
type GitHubDelivery struct {
	ID          int64     `json:"id"`
	GUID        string    `json:"guid"`
	DeliveredAt time.Time `json:"delivered_at"`
	Redelivery  bool      `json:"redelivery"`
	Status      string    `json:"status"`
	StatusCode  int       `json:"status_code"`
	Event       string    `json:"event"`
	Action      string    `json:"action"`
}

// GitHub is a fake GitHub REST API for the endpoints Switchyard calls.
type GitHub struct {
	*httptest.Server
	Token string
	behaviour

	comments    map[string][]GitHubComment  // "owner/repo#n" → comments
	labels      map[string][]string         // "owner/repo#n" → labels
	files       map[string][]GitHubFile     // "owner/repo#n" → PR files
	statuses    map[string][]GitHubStatus   // "owner/repo@sha" → statuses, oldest first
	deliveries  map[string][]GitHubDelivery // "repos/owner/repo/hooks/id" or "orgs/org/hooks/id" → newest first
	redelivered []int64                     // delivery IDs asked to be redelivered
	nextID      int64
}

// NewGitHub starts the fake; close it with Close.
func NewGitHub(token string) *GitHub {
	g := &GitHub{
		Token: token, comments: map[string][]GitHubComment{}, labels: map[string][]string{},
		files: map[string][]GitHubFile{}, statuses: map[string][]GitHubStatus{},
		deliveries: map[string][]GitHubDelivery{}, nextID: 1000,
	}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	return g
}

func issueKey(owner, repo string, number int) string {
	return fmt.Sprintf("%s/%s#%d", owner, repo, number)
}

// Comments returns the comments on one issue.
func (g *GitHub) Comments(owner, repo string, number int) []GitHubComment {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GitHubComment(nil), g.comments[issueKey(owner, repo, number)]...)
}

// AddComment stores a comment as if someone else had posted it.
func (g *GitHub) AddComment(owner, repo string, number int, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nextID++
	key := issueKey(owner, repo, number)
	g.comments[key] = append(g.comments[key], GitHubComment{ID: g.nextID, Body: body})
}

// Labels returns the labels on one issue or pull request.
func (g *GitHub) Labels(owner, repo string, number int) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.labels[issueKey(owner, repo, number)]...)
}

// SetLabels replaces the labels on an issue, as if someone had edited them.
func (g *GitHub) SetLabels(owner, repo string, number int, labels ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.labels[issueKey(owner, repo, number)] = labels
}

// SetFiles sets the files of a pull request.
func (g *GitHub) SetFiles(owner, repo string, number int, files []GitHubFile) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.files[issueKey(owner, repo, number)] = files
}

// Statuses returns the statuses created for a commit, oldest first.
func (g *GitHub) Statuses(owner, repo, sha string) []GitHubStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GitHubStatus(nil), g.statuses[owner+"/"+repo+"@"+sha]...)
}

// AddDelivery records a delivery of a repository hook (org == "") or an
// organization hook (owner is the org), newest first like GitHub lists them.
func (g *GitHub) AddDelivery(org bool, owner, repo string, hookID int64, d GitHubDelivery) GitHubDelivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := fmt.Sprintf("repos/%s/%s/hooks/%d", owner, repo, hookID)
	if org {
		key = fmt.Sprintf("orgs/%s/hooks/%d", owner, hookID)
	}
	if d.ID == 0 {
		g.nextID++
		d.ID = g.nextID
	}
	g.deliveries[key] = append([]GitHubDelivery{d}, g.deliveries[key]...)
	return d
}

// Redelivered returns the delivery IDs GitHub was asked to redeliver.
func (g *GitHub) Redelivered() []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int64(nil), g.redelivered...)
}

var (
	issueCommentsPath = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	issueLabelsPath   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/labels(?:/([^/]+))?$`)
	pullFilesPath     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$`)
	statusPath        = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]+)$`)
	deliveriesPath    = regexp.MustCompile(`^/((?:repos/[^/]+/[^/]+)|(?:orgs/[^/]+))/hooks/(\d+)/deliveries$`)
	redeliverPath     = regexp.MustCompile(`^/((?:repos/[^/]+/[^/]+)|(?:orgs/[^/]+))/hooks/(\d+)/deliveries/(\d+)/attempts$`)
)

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests++
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	reply := func(status int, msg string) { writeJSON(w, status, map[string]string{"message": msg}) }
	if r.Header.Get("Authorization") != "Bearer "+g.Token {
		reply(http.StatusUnauthorized, "Bad credentials")
		return
	}
	if !g.gate(w, "", reply) {
		return
	}
	p := r.URL.EscapedPath()
	if m := issueCommentsPath.FindStringSubmatch(p); m != nil {
		g.serveComments(w, r, m)
	} else if m := issueLabelsPath.FindStringSubmatch(p); m != nil {
		g.serveLabels(w, r, m)
	} else if m := pullFilesPath.FindStringSubmatch(p); m != nil && r.Method == http.MethodGet {
		n, _ := strconv.Atoi(m[3])
		writePage(w, r, g.files[issueKey(m[1], m[2], n)])
	} else if m := statusPath.FindStringSubmatch(p); m != nil && r.Method == http.MethodPost {
		g.serveStatus(w, r, m)
	} else if m := deliveriesPath.FindStringSubmatch(p); m != nil && r.Method == http.MethodGet {
		g.serveDeliveries(w, r, m[1]+"/hooks/"+m[2])
	} else if m := redeliverPath.FindStringSubmatch(p); m != nil && r.Method == http.MethodPost {
		g.serveRedeliver(w, m[1]+"/hooks/"+m[2], m[3])
	} else {
		reply(http.StatusNotFound, "Not Found")
	}
}

func (g *GitHub) serveComments(w http.ResponseWriter, r *http.Request, m []string) {
	key := fmt.Sprintf("%s/%s#%s", m[1], m[2], m[3])
	switch r.Method {
	case http.MethodGet:
		writePage(w, r, g.comments[key])
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

type ghLabel struct {
	Name string `json:"name"`
}

func labelList(names []string) []ghLabel {
	out := []ghLabel{}
	for _, n := range names {
		out = append(out, ghLabel{Name: n})
	}
	return out
}

// serveLabels adds (POST, a JSON array or {"labels": [...]}), lists (GET) and
// removes (DELETE …/labels/{name}) labels; adding a label twice keeps one.
func (g *GitHub) serveLabels(w http.ResponseWriter, r *http.Request, m []string) {
	key := fmt.Sprintf("%s/%s#%s", m[1], m[2], m[3])
	switch {
	case r.Method == http.MethodGet && m[4] == "":
		writeJSON(w, http.StatusOK, labelList(g.labels[key]))
	case r.Method == http.MethodPost && m[4] == "":
		var names []string
		raw := json.RawMessage{}
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		if err := json.Unmarshal(raw, &names); err != nil {
			var obj struct {
				Labels []string `json:"labels"`
			}
			if json.Unmarshal(raw, &obj) != nil {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
				return
			}
			names = obj.Labels
		}
		for _, n := range names {
			if n == "" {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
				return
			}
			if !slices.Contains(g.labels[key], n) {
				g.labels[key] = append(g.labels[key], n)
			}
		}
		writeJSON(w, http.StatusOK, labelList(g.labels[key]))
	case r.Method == http.MethodDelete && m[4] != "":
		name, err := url.PathUnescape(m[4])
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "bad label name"})
			return
		}
		i := slices.Index(g.labels[key], name)
		if i < 0 {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Label does not exist"})
			return
		}
		g.labels[key] = slices.Delete(g.labels[key], i, i+1)
		writeJSON(w, http.StatusOK, labelList(g.labels[key]))
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
	}
}

func (g *GitHub) serveStatus(w http.ResponseWriter, r *http.Request, m []string) {
	var s GitHubStatus
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	if !slices.Contains([]string{"error", "failure", "pending", "success"}, s.State) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: state"})
		return
	}
	if s.Context == "" {
		s.Context = "default"
	}
	g.nextID++
	s.ID = g.nextID
	key := m[1] + "/" + m[2] + "@" + m[3]
	g.statuses[key] = append(g.statuses[key], s)
	writeJSON(w, http.StatusCreated, s)
}

// serveDeliveries pages like GitHub's deliveries API: per_page (max 100) and
// an opaque cursor, given back in the Link header's rel="next".
func (g *GitHub) serveDeliveries(w http.ResponseWriter, r *http.Request, key string) {
	all, ok := g.deliveries[key]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	start := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "v1_"))
		if err != nil || !strings.HasPrefix(c, "v1_") || n > len(all) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Invalid cursor"})
			return
		}
		start = n
	}
	end := min(start+perPage, len(all))
	if end < len(all) {
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?per_page=%d&cursor=v1_%d>; rel="next"`, r.Host, r.URL.Path, perPage, end))
	}
	writeJSON(w, http.StatusOK, append([]GitHubDelivery{}, all[start:end]...))
}

// serveRedeliver answers 202 like GitHub and records a new delivery with the
// same GUID and Redelivery set.
func (g *GitHub) serveRedeliver(w http.ResponseWriter, key, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	for _, d := range g.deliveries[key] {
		if d.ID == n {
			g.redelivered = append(g.redelivered, n)
			g.nextID++
			again := d
			again.ID, again.Redelivery, again.DeliveredAt = g.nextID, true, time.Now().UTC()
			g.deliveries[key] = append([]GitHubDelivery{again}, g.deliveries[key]...)
			writeJSON(w, http.StatusAccepted, map[string]any{})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// writePage pages a list like GitHub: per_page (max 100) and page, with a
// Link header pointing at the next page.
func writePage[T any](w http.ResponseWriter, r *http.Request, all []T) {
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page <= 0 {
		page = 1
	}
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
	writeJSON(w, http.StatusOK, append([]T{}, all[start:end]...))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
