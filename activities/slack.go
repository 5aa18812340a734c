package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"
)

// SlackConfig is what the Slack activities need: a bot token (preferred: it
// can read the channel back, which makes posting idempotent) or an
// incoming-webhook URL.
type SlackConfig struct {
	BotToken       string // xoxb-…, needs chat:write and channels:history
	WebhookURL     string // https://hooks.slack.com/services/…
	DefaultChannel string // used when an input names no channel (bot token only)
	APIURL         string // Slack Web API base, "https://slack.com/api/" or a fake
	Timeout        time.Duration
}

// Slack holds the Slack client; its methods are activities.
type Slack struct {
	api        *slack.Client
	webhookURL string
	channel    string
	http       *http.Client
}

// markerEventType is the message-metadata event type carrying the marker.
const markerEventType = "switchyard_event"

// NewSlack builds the client once. With neither a bot token nor a webhook URL
// the integration is disabled: activities fail naming SLACK_BOT_TOKEN.
func NewSlack(cfg SlackConfig) *Slack {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	s := &Slack{webhookURL: cfg.WebhookURL, channel: cfg.DefaultChannel, http: &http.Client{Timeout: cfg.Timeout}}
	if cfg.BotToken != "" {
		opts := []slack.Option{slack.OptionHTTPClient(s.http)}
		if cfg.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
		}
		s.api = slack.New(cfg.BotToken, opts...)
	}
	return s
}

// PostSlackMessageInput is one message. Marker identifies it across retries
// (default: the workflow and activity IDs).
type PostSlackMessageInput struct {
	Channel string // channel ID or name; empty: the configured default
	Text    string
	Marker  string
}

// PostSlackMessageResult identifies the message, new or found.
type PostSlackMessageResult struct {
	Channel    string
	Timestamp  string
	Existing   bool
	ViaWebhook bool
}

// historyWindow is how far back a retry looks for its earlier message.
const historyWindow = 24 * time.Hour

// PostSlackMessage posts once per marker, as far as Slack allows. Slack has
// no idempotency key for chat.postMessage (client_msg_id is not honoured for
// bot posts), so with a bot token the message carries the marker in its
// metadata and each attempt first reads the channel's last 24 hours
// (conversations.history, up to 200 messages) for it: a retry after a post
// that succeeded but whose answer was lost finds it and does not post again.
// Temporal runs one attempt at a time, so there is no concurrent duplicate;
// the guarantee ends where the history does (older or busier channels). An
// incoming webhook cannot be read back: it is at-least-once.
func (s *Slack) PostSlackMessage(ctx context.Context, in PostSlackMessageInput) (*PostSlackMessageResult, error) {
	if s.api == nil && s.webhookURL == "" {
		return nil, notConfigured("slack", "SLACK_BOT_TOKEN (or SLACK_WEBHOOK_URL)")
	}
	if in.Text == "" {
		return nil, invalid("Slack", "post message: text is required")
	}
	if s.api == nil {
		err := slack.PostWebhookCustomHTTPContext(ctx, s.webhookURL, s.http, &slack.WebhookMessage{Text: in.Text})
		if err != nil {
			return nil, slackError(err)
		}
		return &PostSlackMessageResult{ViaWebhook: true}, nil
	}
	channel := firstNonEmpty(in.Channel, s.channel)
	if channel == "" {
		return nil, invalid("Slack", "post message: no channel given and SLACK_CHANNEL is not set")
	}
	marker := firstNonEmpty(in.Marker, IdempotencyKey(ctx))
	if ts, err := s.findMarker(ctx, channel, marker); err != nil || ts != "" {
		if err != nil {
			return nil, err
		}
		return &PostSlackMessageResult{Channel: channel, Timestamp: ts, Existing: true}, nil
	}
	ch, ts, err := s.api.PostMessageContext(ctx, channel,
		slack.MsgOptionText(in.Text, false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: markerEventType, EventPayload: map[string]any{"marker": marker}}))
	if err != nil {
		return nil, slackError(err)
	}
	return &PostSlackMessageResult{Channel: ch, Timestamp: ts}, nil
}

func (s *Slack) findMarker(ctx context.Context, channel, marker string) (string, error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID: channel, Limit: 100, IncludeAllMetadata: true,
		Oldest: fmt.Sprintf("%d.000000", time.Now().Add(-historyWindow).Unix()),
	}
	for range 2 {
		h, err := s.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", slackError(err)
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == markerEventType && m.Metadata.EventPayload["marker"] == marker {
				return m.Timestamp, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	return "", nil
}

// retryableSlackErrors are Slack API error codes that a later attempt can fix.
var retryableSlackErrors = []string{"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}

// slackError classifies slack-go's errors: a 429 carries Retry-After; an
// HTTP status goes through classify; an API error ("ok": false) is permanent
// (SlackAPI, e.g. channel_not_found, not_in_channel, invalid_auth) unless
// Slack says it is transient.
func slackError(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return classify("SlackAPI", http.StatusTooManyRequests, rl.RetryAfter, err)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return classify("SlackAPI", sc.Code, 0, err)
	}
	var api slack.SlackErrorResponse
	if errors.As(err, &api) {
		if slices.Contains(retryableSlackErrors, api.Err) {
			return temporal.NewApplicationError("slack: "+api.Err, "SlackAPIUnavailable")
		}
		return temporal.NewNonRetryableApplicationError("slack: "+Redact(api.Err), "SlackAPI", nil)
	}
	return classify("Slack", 0, 0, err)
}
