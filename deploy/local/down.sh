#!/usr/bin/env bash
# Stops what up.sh started: every gateway (also those gateway.sh added) and then every silo (also
# those silo.sh added), with SIGTERM, so gateways finish their requests and silos leave the cluster
# gracefully; and the Redis server it launched. PostgreSQL is the machine's own service and keeps
# running; pass --all to stop it too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for f in "$RUN"/gateway*.pid; do [ -e "$f" ] && stop_process "$f"; done
for f in "$RUN"/silo*.pid; do [ -e "$f" ] && stop_process "$f"; done
rm -f "$RUN/stack.env"
# Only the Redis up.sh started: the server on the port must report the pid recorded at its start.
if [ -f "$ACTORS_STATE/redis/redis.pid" ]; then
  ensure_secrets
  port="$(cat "$ACTORS_STATE/redis/port" 2>/dev/null || echo "$REDIS_PORT")"
  ours="$(cat "$ACTORS_STATE/redis/redis.pid")"
  theirs="$(redis_as_us "$port" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
  if [ -n "$theirs" ] && [ "$theirs" = "$ours" ]; then
    redis_as_us "$port" shutdown >/dev/null 2>&1 || true
    log "stopped Redis"
  fi
  rm -f "$ACTORS_STATE/redis/redis.pid"
fi
if [ "${1:-}" = --all ] && is_root; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop && log "stopped PostgreSQL"; fi
