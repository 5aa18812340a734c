package fakes_test

import (
	"net/http"
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
