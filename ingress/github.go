package ingress

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"
)

// GitHub verifies X-Hub-Signature-256 with go-github. GitHub signs no
// timestamp, so there is no staleness check: a replayed delivery has the same
// delivery GUID and dedupes to the same workflow.
type GitHub struct {
	secrets [][]byte
}

// NewGitHub fails closed: a GitHub source with no secret cannot be built
// (go-github itself accepts an unsigned request when the secret is empty).
func NewGitHub(secrets []string) (*GitHub, error) {
	if len(secrets) == 0 {
		return nil, errors.New("github source: no webhook secret (GITHUB_WEBHOOK_SECRET)")
	}
	g := &GitHub{}
	for _, s := range secrets {
		g.secrets = append(g.secrets, []byte(s))
	}
	return g, nil
}

// Name implements Source.
func (*GitHub) Name() string { return "github" }

// GitHubWorkflowID is the workflow ID of a delivery. A redelivery keeps its
// delivery GUID; several hooks (repo and org) can deliver the same event with
// the same GUID, and each hook's delivery is its own event.
func GitHubWorkflowID(hookID, deliveryID string) string {
	return "github:" + hookID + ":" + deliveryID
}

// Open implements Source.
func (g *GitHub) Open(r *http.Request, body []byte) (Delivery, error) {
	sig := r.Header.Get("X-Hub-Signature-256")
	if sig == "" {
		return Delivery{}, fmt.Errorf("%w: X-Hub-Signature-256 header missing", ErrBadSignature)
	}
	// go-github would also accept sha1= here; only SHA-256 is taken.
	if !strings.HasPrefix(sig, "sha256=") {
		return Delivery{}, fmt.Errorf("%w: X-Hub-Signature-256 is not a sha256 signature", ErrBadSignature)
	}
	if !g.verified(sig, body) {
		return Delivery{}, fmt.Errorf("%w: X-Hub-Signature-256 matches no configured secret", ErrBadSignature)
	}
	event, delivery, hookID := github.WebHookType(r), github.DeliveryID(r), r.Header.Get("X-GitHub-Hook-ID")
	for what, v := range map[string]string{"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-GitHub-Hook-ID": hookID} {
		if err := checkID(what, v); err != nil {
			return Delivery{}, err
		}
	}
	payload, err := githubPayload(r.Header.Get("Content-Type"), body)
	if err != nil {
		return Delivery{}, err
	}
	var env githubEnvelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return Delivery{}, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	if event == "ping" {
		return Delivery{Reply: map[string]any{"pong": true, "hook_id": hookID}}, nil
	}
	typ := event
	if env.Action != "" {
		typ += "." + env.Action
	}
	objectID := env.objectID()
	summary := "github " + typ
	if objectID != "" {
		summary += " " + objectID
	}
	return Delivery{Events: []Event{{
		WorkflowID: GitHubWorkflowID(hookID, delivery),
		EventID:    delivery,
		Type:       typ,
		ObjectID:   objectID,
		Summary:    summary,
		Payload:    payload,
		Meta: map[string]string{
			"event": event, "delivery": delivery, "hook_id": hookID,
			"target_type": r.Header.Get("X-GitHub-Hook-Installation-Target-Type"),
			"target_id":   r.Header.Get("X-GitHub-Hook-Installation-Target-ID"),
		},
	}}}, nil
}

// verified compares in constant time (go-github uses hmac.Equal) against
// every active secret.
func (g *GitHub) verified(sig string, body []byte) bool {
	for _, secret := range g.secrets {
		if github.ValidateSignature(sig, body, secret) == nil {
			return true
		}
	}
	return false
}

// githubPayload returns the JSON of a delivery: the body itself, or the
// payload field of a form-encoded hook. The signature covers the raw body.
func githubPayload(contentType string, body []byte) (json.RawMessage, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/x-www-form-urlencoded" {
		return body, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return nil, fmt.Errorf("%w: form body without a payload field", ErrMalformed)
	}
	return json.RawMessage(form.Get("payload")), nil
}

type githubEnvelope struct {
	Action string `json:"action"`
	Number int    `json:"number"`
	Issue  *struct {
		Number int `json:"number"`
	} `json:"issue"`
	PullRequest *struct {
		Number int `json:"number"`
	} `json:"pull_request"`
	Repository *struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
}

// objectID is "owner/repo#N" for issues and pull requests, else the repository.
func (e githubEnvelope) objectID() string {
	if e.Repository == nil || e.Repository.FullName == "" {
		return ""
	}
	switch {
	case e.Issue != nil && e.Issue.Number > 0:
		return fmt.Sprintf("%s#%d", e.Repository.FullName, e.Issue.Number)
	case e.PullRequest != nil && e.PullRequest.Number > 0:
		return fmt.Sprintf("%s#%d", e.Repository.FullName, e.PullRequest.Number)
	}
	return e.Repository.FullName
}
