package fakes

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// behaviour is what every fake shares: failing on demand, rate limiting like
// a provider, and remembering when each request arrived. A fake embeds it and
// calls gate before serving a request, naming the bucket the request counts
// against: "" for a provider with one limit for all calls (HubSpot), the
// method for one whose limits are per method (Slack).
type behaviour struct {
	mu          sync.Mutex
	failNext    int                    // answer this many requests with 500
	rateLimited int                    // answer this many requests with 429
	retryAfter  time.Duration          // Retry-After sent with those 429s
	perSecond   int                    // at most this many requests served per rolling second and bucket; 0 = no limit
	served      map[string][]time.Time // per bucket, when each request that passed the limit arrived
	throttled   map[string]int         // per bucket, 429s answered because of perSecond
	arrivals    []time.Time            // when every authenticated request arrived
	byBucket    map[string][]time.Time // the same per bucket
	requests    int
}

// FailNext makes the next n authenticated requests fail with 500.
func (b *behaviour) FailNext(n int) { b.mu.Lock(); b.failNext = n; b.mu.Unlock() }

// RateLimitNext makes the next n authenticated requests answer 429 with
// Retry-After set to retryAfter (whole seconds).
func (b *behaviour) RateLimitNext(n int, retryAfter time.Duration) {
	b.mu.Lock()
	b.rateLimited, b.retryAfter = n, retryAfter
	b.mu.Unlock()
}

// LimitRate makes the fake answer 429 with Retry-After: 1 to any request
// beyond n in a rolling one-second window of its bucket, like a provider's
// rate limit.
func (b *behaviour) LimitRate(n int) { b.mu.Lock(); b.perSecond = n; b.mu.Unlock() }

// Throttled counts the 429s LimitRate's limit answered in one bucket.
func (b *behaviour) Throttled(bucket string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.throttled[bucket]
}

// ArrivalsOf returns when each authenticated request of one bucket arrived, in order.
func (b *behaviour) ArrivalsOf(bucket string) []time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Time(nil), b.byBucket[bucket]...)
}

// Requests counts every request, including rejected ones.
func (b *behaviour) Requests() int { b.mu.Lock(); defer b.mu.Unlock(); return b.requests }

// Arrivals returns when each authenticated request arrived, in order.
func (b *behaviour) Arrivals() []time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Time(nil), b.arrivals...)
}

// MaxInWindow is the largest number of authenticated requests that arrived
// within any window of length d.
func (b *behaviour) MaxInWindow(d time.Duration) int {
	return MaxInWindow(b.Arrivals(), d)
}

// MaxInWindow is the largest number of times (sorted) within any window of length d.
func MaxInWindow(times []time.Time, d time.Duration) int {
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= d {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// gate runs the shared behaviour for one request of a bucket; the caller has
// already checked credentials and holds b.mu. It reports whether the fake
// should go on to serve the request (false: gate has answered it).
func (b *behaviour) gate(w http.ResponseWriter, bucket string, reply func(status int, msg string)) bool {
	now := time.Now()
	if b.byBucket == nil {
		b.byBucket, b.served, b.throttled = map[string][]time.Time{}, map[string][]time.Time{}, map[string]int{}
	}
	b.arrivals = append(b.arrivals, now)
	b.byBucket[bucket] = append(b.byBucket[bucket], now)
	if b.failNext > 0 {
		b.failNext--
		reply(http.StatusInternalServerError, "internal server error")
		return false
	}
	if b.rateLimited > 0 {
		b.rateLimited--
		w.Header().Set("Retry-After", strconv.Itoa(int(b.retryAfter.Seconds())))
		reply(http.StatusTooManyRequests, "rate limited")
		return false
	}
	if b.perSecond > 0 {
		served := b.served[bucket]
		recent := 0
		for i := len(served) - 1; i >= 0 && now.Sub(served[i]) < time.Second; i-- {
			recent++
		}
		if recent >= b.perSecond {
			b.throttled[bucket]++
			w.Header().Set("Retry-After", "1")
			reply(http.StatusTooManyRequests, "rate limited")
			return false
		}
		b.served[bucket] = append(served, now)
	}
	return true
}
