package fakes_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/fakes"
)

func TestFakeRateLimitAnswers429WithRetryAfter(t *testing.T) {
	h := fakes.NewHubSpot("pat-x")
	defer h.Close()
	h.LimitRate(3)
	codes := []int{}
	for range 5 {
		req, _ := http.NewRequest(http.MethodGet, h.URL+"/crm/v3/objects/contacts/1", nil)
		req.Header.Set("Authorization", "Bearer pat-x")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, []int{404, 404, 404, 429, 429}, codes, "three served (no such contact), then limited")

	resp, err := http.Post(h.URL+"/crm/v3/objects/contacts/batch/upsert", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no token, no service")
}

func TestMaxInWindow(t *testing.T) {
	t0 := time.Now()
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	assert.Equal(t, 0, fakes.MaxInWindow(nil, time.Second))
	assert.Equal(t, 3, fakes.MaxInWindow(at(0, 100, 900, 1000, 1950), time.Second))
	assert.Equal(t, 1, fakes.MaxInWindow(at(0, 1000, 2000), time.Second))
}

func TestSlackRateLimitIsPerMethod(t *testing.T) {
	s := fakes.NewSlack("xoxb-x")
	defer s.Close()
	s.LimitRate(2)
	call := func(method string, form url.Values) *http.Response {
		form.Set("token", "xoxb-x")
		form.Set("channel", "#payments")
		resp, err := http.PostForm(s.APIURL()+method, form)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	var codes []int
	for range 3 {
		resp := call("chat.postMessage", url.Values{"text": {"hi"}})
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, []int{200, 200, 429}, codes, "two posts a second, then limited like Slack")
	assert.Len(t, s.Messages("#payments"), 2, "the limited post was not stored")
	assert.Equal(t, http.StatusOK, call("conversations.history", url.Values{}).StatusCode, "history has its own limit")
	assert.Equal(t, 1, s.Throttled(fakes.SlackPostBucket))
	assert.Zero(t, s.Throttled(fakes.SlackHistoryBucket))
	assert.Len(t, s.ArrivalsOf(fakes.SlackPostBucket), 3, "arrivals count limited requests too")
	assert.Len(t, s.ArrivalsOf(fakes.SlackHistoryBucket), 1)
	assert.Len(t, s.Arrivals(), 4)
}
