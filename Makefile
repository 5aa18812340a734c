# Switchyard. `make dev` runs the whole stack; `make test` runs every check.
# Tools are pinned and installed into ./bin from the Go module proxy.

SHELL := /bin/bash
BIN   := $(CURDIR)/bin
export GOBIN := $(BIN)

TEMPORAL_VERSION      := v1.5.1
STRIPE_MOCK_VERSION   := v0.203.0
WORKFLOWCHECK_VERSION := v0.6.0

.PHONY: dev test lint tools build clean bench chaos

## dev: run Temporal (UI on :8233), the worker and the ingress (:8080) on this machine
# The same as `go run ./cmd/switchyard dev`, except that Ctrl-C ends cleanly:
# go run exits 1 when interrupted even after a clean shutdown, so make would
# print an error. The build also leaves ./bin/switchyard for `trigger`.
dev: $(BIN)/temporal $(BIN)/stripe-mock build
	exec $(BIN)/switchyard dev

## test: vet, workflowcheck, and every test (unit and integration, with -race)
test: tools
	./scripts/test.sh

## lint: formatting, vet and the Temporal determinism check
lint: $(BIN)/workflowcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(BIN)/workflowcheck -config workflowcheck.config.yaml ./workflows/... ./reconcile/...

build:
	CGO_ENABLED=0 go build -o $(BIN)/switchyard ./cmd/switchyard

tools: $(BIN)/temporal $(BIN)/stripe-mock $(BIN)/workflowcheck

# The Temporal CLI takes about 3 minutes to build the first time.
$(BIN)/temporal:
	go install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_VERSION)

$(BIN)/stripe-mock:
	go install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION)

$(BIN)/workflowcheck:
	go install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

clean:
	rm -rf $(BIN) .switchyard

## bench: the ingress against Temporal's own limit; writes bench/results/latest.md (about 7 minutes)
bench: $(BIN)/temporal $(BIN)/stripe-mock build
	CGO_ENABLED=0 go build -o $(BIN)/loadgen ./bench/cmd/loadgen
	go run ./bench/cmd/bench $(BENCH_FLAGS)

## chaos: fault injection (killed ingress, killed Temporal, duplicate storms) and every fuzz target
chaos: tools
	./scripts/chaos.sh
