package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// SlackMessage is one stored message.
type SlackMessage struct {
	Channel  string          `json:"-"`
	Text     string          `json:"text"`
	TS       string          `json:"ts"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// Slack is a fake Slack Web API (chat.postMessage, conversations.history)
// and incoming-webhook endpoint. Channels must exist (AddChannel); a channel
// is addressed by ID or by "#name".
type Slack struct {
	*httptest.Server
	Token       string
	WebhookPath string // e.g. /services/T000/B000/XXXX; WebhookURL is the full URL
	behaviour

	channels map[string]string         // "#name" and ID → ID
	messages map[string][]SlackMessage // channel ID → messages, oldest first
	webhook  []string                  // texts posted through the webhook
	clock    int64
}

// Buckets of the Slack fake's rate limit and ArrivalsOf: one per Web API
// method, and the incoming webhook.
const (
	SlackPostBucket    = "chat.postMessage"
	SlackHistoryBucket = "conversations.history"
	SlackWebhookBucket = "webhook"
)

// NewSlack starts the fake with a channel "#payments" (ID C0PAYMENTS).
func NewSlack(token string) *Slack {
	s := &Slack{Token: token, WebhookPath: "/services/T0FAKE/B0FAKE/fakewebhooksecret",
		channels: map[string]string{}, messages: map[string][]SlackMessage{}, clock: time.Now().Unix() * 1e6}
	s.AddChannel("payments", "C0PAYMENTS")
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// APIURL is the Web API base, as slack.OptionAPIURL wants it.
func (s *Slack) APIURL() string { return s.URL + "/api/" }

// WebhookURL is the incoming-webhook URL.
func (s *Slack) WebhookURL() string { return s.URL + s.WebhookPath }

// AddChannel creates a channel.
func (s *Slack) AddChannel(name, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels["#"+name], s.channels[id] = id, id
}

// Messages returns the messages of a channel (by ID or "#name"), oldest first.
func (s *Slack) Messages(channel string) []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SlackMessage(nil), s.messages[s.channels[channel]]...)
}

// WebhookTexts returns the texts posted through the incoming webhook.
func (s *Slack) WebhookTexts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.webhook...)
}

func (s *Slack) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if r.URL.Path == s.WebhookPath || strings.HasPrefix(r.URL.Path, "/services/") {
		s.serveWebhook(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if token == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	if token != s.Token {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	// Slack's limits are per Web API method (chat.postMessage's also per
	// channel, which a per-method limit covers), so each method is a bucket.
	// It answers failures with plain HTTP statuses; 429 carries Retry-After
	// and {"ok":false,"error":"ratelimited"}.
	if !s.gate(w, strings.TrimPrefix(r.URL.Path, "/api/"), func(status int, msg string) {
		if status == http.StatusTooManyRequests {
			writeJSON(w, status, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
		w.WriteHeader(status)
		fmt.Fprint(w, msg)
	}) {
		return
	}
	ch, ok := s.channels[r.PostForm.Get("channel")]
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	switch r.URL.Path {
	case "/api/chat.postMessage":
		text := r.PostForm.Get("text")
		if text == "" && r.PostForm.Get("blocks") == "" {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "no_text"})
			return
		}
		s.clock += 100
		m := SlackMessage{Channel: ch, Text: text, TS: fmt.Sprintf("%d.%06d", s.clock/1e6, s.clock%1e6)}
		if md := r.PostForm.Get("metadata"); md != "" {
			if !json.Valid([]byte(md)) {
				writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_metadata_format"})
				return
			}
			m.Metadata = json.RawMessage(md)
		}
		s.messages[ch] = append(s.messages[ch], m)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": m})
	case "/api/conversations.history":
		s.history(w, r, ch)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// history lists newest first, honouring oldest, limit (default 100), cursor
// and include_all_metadata like conversations.history.
func (s *Slack) history(w http.ResponseWriter, r *http.Request, ch string) {
	oldest, _ := strconv.ParseFloat(r.PostForm.Get("oldest"), 64)
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 || limit > 999 {
		limit = 100
	}
	start, _ := strconv.Atoi(r.PostForm.Get("cursor"))
	withMeta := r.PostForm.Get("include_all_metadata") == "1" || r.PostForm.Get("include_all_metadata") == "true"
	var newestFirst []SlackMessage
	all := s.messages[ch]
	for i := len(all) - 1; i >= 0; i-- {
		ts, _ := strconv.ParseFloat(all[i].TS, 64)
		if ts < oldest {
			break
		}
		m := all[i]
		if !withMeta {
			m.Metadata = nil
		}
		newestFirst = append(newestFirst, m)
	}
	start = min(start, len(newestFirst))
	end := min(start+limit, len(newestFirst))
	resp := map[string]any{"ok": true, "messages": append([]SlackMessage{}, newestFirst[start:end]...), "has_more": end < len(newestFirst)}
	if end < len(newestFirst) {
		resp["response_metadata"] = map[string]string{"next_cursor": strconv.Itoa(end)}
	}
	writeJSON(w, http.StatusOK, resp)
}

// serveWebhook answers like an incoming webhook: "ok", or a status with a
// short reason (no_service for an unknown URL, invalid_payload, no_text).
func (s *Slack) serveWebhook(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	if r.Method != http.MethodPost || r.URL.Path != s.WebhookPath {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "no_service")
		return
	}
	if !s.gate(w, SlackWebhookBucket, func(status int, msg string) { w.WriteHeader(status); fmt.Fprint(w, msg) }) {
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, "invalid_payload")
		return
	}
	if in.Text == "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, "no_text")
		return
	}
	s.webhook = append(s.webhook, in.Text)
	fmt.Fprint(w, "ok")
}
