#!/bin/sh
# One-shot job (temporalio/admin-tools): registers Switchyard's search
# attributes on the namespace. Idempotent: an attribute that exists is kept.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health >/dev/null 2>&1; do
  echo "waiting for Temporal at ${TEMPORAL_ADDRESS}"; sleep 2
done
until temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1; do
  echo "waiting for namespace $ns"; sleep 2
done
existing=$(temporal operator search-attribute list --namespace "$ns")
for name in WebhookSource WebhookEventType WebhookObjectID; do
  if echo "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword
  fi
done
