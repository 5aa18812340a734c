package activities

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
)

// ErrNotConfigured is the type name of the error returned when an activity's
// integration has no credentials. Retrying cannot fix it, so it is non-retryable.
const ErrNotConfigured = "IntegrationNotConfigured"

// notConfigured names the missing variable so an operator reading the failure
// in the Temporal UI knows what to set.
func notConfigured(integration, variable string) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("%s integration is disabled: %s is not set", integration, variable),
		ErrNotConfigured, nil)
}

// classify turns a provider's HTTP failure into the error Temporal should see:
//   - 4xx other than 408, 409 and 429: the request itself is wrong, so retrying
//     cannot help; a non-retryable application error of type errType.
//   - 429 (or a rate-limit 403): retryable, and the next attempt waits
//     retryAfter when the provider said how long.
//   - anything else (5xx, 408, 409, network): wrapped and retried with backoff.
//
// The message is redacted and carries no cause chain: providers' errors can
// echo request headers, and what an activity returns is stored in history.
func classify(errType string, status int, retryAfter time.Duration, err error) error {
	msg := Redact(err.Error())
	switch {
	case status == http.StatusTooManyRequests || (retryAfter > 0 && status == http.StatusForbidden):
		return temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("rate limited (HTTP %d, retry after %s): %s", status, retryAfter, msg),
			errType+"RateLimited",
			temporal.ApplicationErrorOptions{NextRetryDelay: retryAfter})
	case status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusConflict:
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("HTTP %d: %s", status, msg), errType, nil)
	case status == 0:
		return temporal.NewApplicationError(msg, errType+"Unavailable")
	default:
		return temporal.NewApplicationError(fmt.Sprintf("HTTP %d: %s", status, msg), errType+"ServerError")
	}
}

// secretPattern matches API keys and bearer tokens the providers use: Stripe
// (sk_/rk_/pk_), GitHub (ghp_, gho_, ghs_, github_pat_), Slack (xox?-),
// HubSpot private app tokens (pat-), and any "Bearer <token>".
var secretPattern = regexp.MustCompile(`\b(?:(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9_]+|gh[pousr]_[A-Za-z0-9]+|github_pat_[A-Za-z0-9_]+|xox[abpors]-[A-Za-z0-9-]+|pat-[a-z0-9]+-[A-Za-z0-9-]+|whsec_[A-Za-z0-9_]+)|(?i:bearer\s+)[^\s'"]+`)

// Redact removes anything that looks like a credential from s.
func Redact(s string) string { return secretPattern.ReplaceAllString(s, "[redacted]") }

// RetryAfter reads a Retry-After header given in seconds or as an HTTP date.
// It returns 0 when the header is absent or unreadable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// IsNonRetryable reports whether err is an application error Temporal will not retry.
func IsNonRetryable(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.NonRetryable()
}

// hasType reports whether err is an application error of type typ.
func hasType(err error, typ string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == typ
}
