#!/usr/bin/env bash
# Runs `make test`: lint, then every Go test with -race against real
# components. stripe-mock is started here on a free loopback port and stopped
# on exit; each integration test package starts its own Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."

make --no-print-directory lint

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))
./bin/stripe-mock -http-addr "127.0.0.1:${port}" -https-addr "127.0.0.1:" >/tmp/switchyard-stripe-mock.$$.log 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null -H 'Authorization: Bearer sk_test_123' "http://127.0.0.1:${port}/v1/charges" 2>/dev/null; then break; fi
  sleep 0.1
done
export STRIPE_MOCK_URL="http://127.0.0.1:${port}"
export TEMPORAL_CLI="$PWD/bin/temporal"

go test -race -count=1 -timeout 20m "$@" ./...
