package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// GitHubPushResult is what a push workflow read from its delivery.
type GitHubPushResult struct {
	PayloadBytes int    // size of the raw payload the workflow received
	Ref          string // e.g. "refs/heads/main"
	After        string // the new head commit
}

// GitHubPush handles push deliveries, which can be GitHub's largest (up to
// 25 MB). It receives the whole payload — restored from the payload store
// when it was too large for history — and reports what it found. It reads
// only the leading fields it needs: decoding 25 MB of commits inside a
// workflow task could outlast the SDK's deadlock detector (1 s).
func GitHubPush(ctx workflow.Context, in EventInput) (*GitHubPushResult, error) {
	res, err := pushHead(in.Payload)
	if err != nil || res.Ref == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("delivery %s is not a push payload", in.EventID), "MalformedEvent", err)
	}
	res.PayloadBytes = len(in.Payload)
	workflow.GetLogger(ctx).Info("push received", "ref", res.Ref, "after", res.After, "bytes", res.PayloadBytes)
	return res, nil
}

// pushHead reads the top-level "ref" and "after" of a push payload, which
// GitHub sends first, and stops as soon as it has both.
func pushHead(payload []byte) (*GitHubPushResult, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("payload is not a JSON object")
	}
	res := &GitHubPushResult{}
	for dec.More() && (res.Ref == "" || res.After == "") {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var dst any = new(json.RawMessage)
		switch key {
		case "ref":
			dst = &res.Ref
		case "after":
			dst = &res.After
		}
		if err := dec.Decode(dst); err != nil {
			return nil, fmt.Errorf("field %q: %w", key, err)
		}
	}
	return res, nil
}
