package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/switchyard/switchyard/workflows"
)

// waitTimeout bounds -wait for one workflow: a worker that died (or never
// started) must fail the run, not hang the bench.
const waitTimeout = time.Minute

// stripeEvent is a payment_intent.succeeded event padded to about size bytes.
func stripeEvent(id string, size int) []byte {
	head := fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","api_version":"2023-10-16","created":%d,"livemode":false,`+
		`"data":{"object":{"id":"pi_%s","object":"payment_intent","amount":1099,"currency":"usd","description":"`,
		id, time.Now().Unix(), id)
	pad := max(size-len(head)-4, 0)
	return []byte(head + strings.Repeat("x", pad) + `"}}}`)
}

func dial(hostPort string) (client.Client, error) {
	return client.Dial(client.Options{HostPort: hostPort, Namespace: "default",
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
}

// rawSender is the bare SDK loop: the same start the ingress makes (workflow
// type, task queue, ID policies, search attributes, summary, input shape), with
// no HTTP, verification or parsing in front of it.
func rawSender(o options) (sender, func(), error) {
	c, err := dial(o.temporal)
	if err != nil {
		return nil, nil, err
	}
	send := func(ctx context.Context, id string) (bool, time.Time, error) {
		body := stripeEvent(id, o.size)
		in := workflows.EventInput{Source: "stripe", EventID: id, Type: "payment_intent.succeeded", ObjectID: "pi_" + id,
			ReceivedAt: time.Now().UTC(), Payload: body,
			Meta: map[string]string{"api_version": "2023-10-16", "livemode": "false", "account": ""}}
		opts := client.StartWorkflowOptions{
			ID: "stripe:" + id, TaskQueue: workflows.TaskQueue,
			WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			WorkflowExecutionErrorWhenAlreadyStarted: true,
			TypedSearchAttributes: temporal.NewSearchAttributes(workflows.SourceKey.ValueSet("stripe"),
				workflows.EventTypeKey.ValueSet(in.Type), workflows.ObjectIDKey.ValueSet(in.ObjectID)),
			StaticSummary: "stripe payment_intent.succeeded pi_" + id + " 10.99 USD",
		}
		run, err := c.ExecuteWorkflow(ctx, opts, workflows.StripePaymentWorkflow, in)
		var already *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &already) {
			return true, time.Time{}, nil
		}
		if err != nil {
			return false, time.Time{}, err
		}
		if !o.wait {
			return false, time.Time{}, nil
		}
		wctx, cancel := context.WithTimeout(ctx, waitTimeout)
		defer cancel()
		err = run.Get(wctx, nil)
		return false, time.Now(), err
	}
	return send, c.Close, nil
}

// ingressSender posts Stripe-signed events over keep-alive connections.
func ingressSender(o options) (sender, func(), error) {
	tr := &http.Transport{MaxIdleConns: o.conc + 64, MaxIdleConnsPerHost: o.conc + 64, IdleConnTimeout: time.Minute}
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var c client.Client
	if o.wait {
		var err error
		if c, err = dial(o.temporal); err != nil {
			return nil, nil, err
		}
	}
	url := strings.TrimRight(o.url, "/") + "/v1/webhooks/stripe"
	send := func(ctx context.Context, id string) (bool, time.Time, error) {
		body := stripeEvent(id, o.size)
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		m := hmac.New(sha256.New, []byte(o.secret))
		m.Write([]byte(ts + "."))
		m.Write(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return false, time.Time{}, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", "t="+ts+",v1="+hex.EncodeToString(m.Sum(nil)))
		resp, err := hc.Do(req)
		if err != nil {
			return false, time.Time{}, err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false, time.Time{}, fmt.Errorf("status %d: %s", resp.StatusCode, raw)
		}
		var a struct {
			WorkflowID string `json:"workflow_id"`
			RunID      string `json:"run_id"`
			Duplicate  bool   `json:"duplicate"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return false, time.Time{}, fmt.Errorf("answer %q: %w", raw, err)
		}
		if !o.wait {
			return a.Duplicate, time.Time{}, nil
		}
		wctx, cancel := context.WithTimeout(ctx, waitTimeout)
		defer cancel()
		err = c.GetWorkflow(wctx, a.WorkflowID, a.RunID).Get(wctx, nil)
		return a.Duplicate, time.Now(), err
	}
	closeFn := func() {
		tr.CloseIdleConnections()
		if c != nil {
			c.Close()
		}
	}
	return send, closeFn, nil
}
