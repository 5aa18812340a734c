package main

import (
	"testing"
	"time"
)

// A `go tool pprof -traces` excerpt: a header, then one block a stack.
const tracesOut = `File: switchyard
Type: cpu
Duration: 9s, Total samples = 60ms ( 0.67%)
-----------+-------------------------------------------------------
      30ms   encoding/json.(*encodeState).marshal
             go.temporal.io/sdk/converter.(*JSONPayloadConverter).ToPayload
             go.temporal.io/sdk/internal.(*WorkflowClient).ExecuteWorkflow
             github.com/switchyard/switchyard/ingress.TemporalStarter.Start
             net/http.(*conn).serve
-----------+-------------------------------------------------------
      20ms   crypto/hmac.New[go.shape.interface { Size int }] (inline)
             github.com/switchyard/switchyard/ingress.(*Stripe).verify
             github.com/gin-gonic/gin.(*Engine).ServeHTTP
-----------+-------------------------------------------------------
      10ms   runtime.futex
             runtime.mcall
-----------+-------------------------------------------------------
`

func TestParseTracesAndParts(t *testing.T) {
	st := parseTraces([]byte(tracesOut))
	if len(st) != 3 || st[0].value != 30*time.Millisecond || len(st[0].frames) != 5 {
		t.Fatalf("parsed %+v", st)
	}
	if got := st[1].frames[0]; got != "crypto/hmac.New[go.shape.interface { Size int }]" {
		t.Errorf("leaf with spaces and (inline): %q", got)
	}
	for i, want := range []string{parts[0].name, parts[1].name, "other (Go runtime and the rest)"} {
		if got := partOf(st[i].frames); got != want {
			t.Errorf("stack %d: part %q, want %q", i, got, want)
		}
	}
	if got := shortFunc(st[1].frames[0]); got != "hmac.New[…]" {
		t.Errorf("shortFunc: %q", got)
	}
	if got := shortFunc("net/http.(*conn).serve"); got != "http.(*conn).serve" {
		t.Errorf("shortFunc: %q", got)
	}
}
