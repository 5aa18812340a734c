package ingress

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// SlackStartTimeout bounds the starts of one Slack request: Slack wants an
// answer within 3 seconds and retries otherwise, so a slow Temporal gets a
// 503 well before that rather than a timed-out connection.
const SlackStartTimeout = 2 * time.Second

// Slack verifies Events API requests with slack-go's SecretsVerifier
// (X-Slack-Signature over v0:timestamp:body, timestamp within 5 minutes).
type Slack struct {
	secrets []string
}

// NewSlack fails closed: a Slack source with no signing secret cannot be built.
func NewSlack(secrets []string) (*Slack, error) {
	if len(secrets) == 0 {
		return nil, errors.New("slack source: no signing secret (SLACK_SIGNING_SECRET)")
	}
	return &Slack{secrets: secrets}, nil
}

// Name implements Source.
func (*Slack) Name() string { return "slack" }

// SlackWorkflowID is the workflow ID of an event. A retry (X-Slack-Retry-Num)
// carries the same event_id, so it dedupes to the first delivery's run.
func SlackWorkflowID(eventID string) string { return "slack:" + eventID }

// slackEnvelope is the outer Events API body.
type slackEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	TeamID    string `json:"team_id"`
	APIAppID  string `json:"api_app_id"`
	EventTime int64  `json:"event_time"`
	Event     *struct {
		Type    string `json:"type"`
		Channel any    `json:"channel"` // a string on messages, an object on channel events
		User    any    `json:"user"`
	} `json:"event"`
}

// Open implements Source.
func (s *Slack) Open(r *http.Request, body []byte) (Delivery, error) {
	if err := s.verify(r.Header, body); err != nil {
		return Delivery{}, err
	}
	var env slackEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Delivery{}, fmt.Errorf("%w: body is not a Slack Events API object", ErrMalformed)
	}
	switch env.Type {
	case "url_verification":
		if env.Challenge == "" {
			return Delivery{}, fmt.Errorf("%w: url_verification without a challenge", ErrMalformed)
		}
		return Delivery{Reply: map[string]string{"challenge": env.Challenge}}, nil
	case "event_callback":
	default: // app_rate_limited and other notices: acknowledged, nothing to run
		return Delivery{Reply: map[string]any{"ok": true, "type": env.Type}}, nil
	}
	if err := checkID("event_id", env.EventID); err != nil {
		return Delivery{}, err
	}
	if env.Event == nil {
		return Delivery{}, fmt.Errorf("%w: event_callback without an event", ErrMalformed)
	}
	if err := checkID("event.type", env.Event.Type); err != nil {
		return Delivery{}, err
	}
	payload, err := withoutField(body, "token")
	if err != nil {
		return Delivery{}, err
	}
	channel, _ := env.Event.Channel.(string)
	summary := "slack " + env.Event.Type
	if channel != "" {
		summary += " " + channel
	}
	return Delivery{Events: []Event{{
		WorkflowID: SlackWorkflowID(env.EventID),
		EventID:    env.EventID,
		Type:       env.Event.Type,
		ObjectID:   channel,
		Summary:    summary,
		Payload:    payload,
		Meta: map[string]string{
			"team_id": env.TeamID, "api_app_id": env.APIAppID, "event_time": strconv.FormatInt(env.EventTime, 10),
			"retry_num": r.Header.Get("X-Slack-Retry-Num"), "retry_reason": r.Header.Get("X-Slack-Retry-Reason"),
		},
	}}}, nil
}

// verify tries each signing secret; several are active while one is rotated.
func (s *Slack) verify(h http.Header, body []byte) error {
	for _, secret := range s.secrets {
		sv, err := slack.NewSecretsVerifier(h, secret)
		switch {
		case errors.Is(err, slack.ErrMissingHeaders):
			return fmt.Errorf("%w: X-Slack-Signature or X-Slack-Request-Timestamp header missing", ErrBadSignature)
		case errors.Is(err, slack.ErrExpiredTimestamp):
			return fmt.Errorf("%w: X-Slack-Request-Timestamp more than 5 minutes from now", ErrStale)
		case err != nil:
			return fmt.Errorf("%w: X-Slack-Signature or X-Slack-Request-Timestamp unreadable", ErrBadSignature)
		}
		if _, err := sv.Write(body); err == nil && sv.Ensure() == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: X-Slack-Signature matches no configured secret", ErrBadSignature)
}

// withoutField drops one top-level field of a JSON object: Slack's envelope
// carries the app's legacy verification token, which is a credential and
// must not reach a workflow input.
func withoutField(body []byte, field string) (json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	if _, ok := obj[field]; !ok {
		return body, nil
	}
	delete(obj, field)
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("%w: re-encoding body: %v", ErrMalformed, err)
	}
	return out, nil
}
