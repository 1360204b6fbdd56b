#!/usr/bin/env bash
# Adds a silo to the local stack up.sh started, or removes one gracefully.
#
#   deploy/local/silo.sh add             start silo N, N the lowest free index (silo port 11111+N, gateway
#                                        port 30000+N, HTTP 8081+N), with the stack's settings; wait until ready
#   deploy/local/silo.sh remove [N]      SIGTERM to silo N (default: the highest), wait until it has left
#                                        the cluster and exited; the last silo is never removed
#   deploy/local/silo.sh list            the running silos
#
# A new silo joins through Redis and takes new activations at once; the gateway sends it calls once it
# re-reads the silo list (Gateway__GatewayListRefreshPeriod, 2 s). A removed silo hands its grains
# back: their next call activates them on another silo. Variables you exported for up.sh (Email__*,
# Logging__*, ...) must be exported here too; the cluster, database and ports come from the running stack.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Reads silo indexes, one a line; prints "silo0 silo1 ...".
names() { sed 's/^/silo/' | paste -sd ' ' -; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

add() {
  load_stack_settings
  [ -f "$SILO_DLL" ] || die "$SILO_DLL is not built; run deploy/local/up.sh"
  ensure_secrets
  export_stack_environment
  local i=0
  while running "$RUN/silo$i.pid"; do i=$((i + 1)); done
  local started=$SECONDS
  start_silo "$i"
  wait_ready "silo$i" "$(silo_http_url "$i")/health/ready"
  log "silo$i ready after $((SECONDS - started)) s: $(silo_http_url "$i")/health/ready, silo port $((SILO_PORT_BASE + i)), gateway port $((SILO_GATEWAY_PORT_BASE + i))"
  log "running silos: $(running_silos | names)"
}

remove() {
  load_stack_settings
  local silos; silos="$(running_silos)"
  [ -n "$silos" ] || die "no silo is running"
  local i="${1:-$(tail -n 1 <<<"$silos")}"
  [[ "$i" =~ ^[0-9]+$ ]] || die "not a silo index: $i"
  grep -qx "$i" <<<"$silos" || die "silo$i is not running (running: $(names <<<"$silos"))"
  [ "$(wc -l <<<"$silos")" -gt 1 ] || die "silo$i is the last silo; refusing to remove it (deploy/local/down.sh stops the whole stack)"
  stop_process "$RUN/silo$i.pid"
  log "running silos: $(running_silos | names)"
}

list() {
  load_stack_settings
  local i
  for i in $(running_silos); do
    echo "silo$i  pid $(cat "$RUN/silo$i.pid")  $(silo_http_url "$i")/health/ready  silo port $((SILO_PORT_BASE + i)), gateway port $((SILO_GATEWAY_PORT_BASE + i))"
  done
}

case "${1:-}" in
  add) [ $# -eq 1 ] || usage; add ;;
  remove) [ $# -le 2 ] || usage; remove "${2:-}" ;;
  list) [ $# -eq 1 ] || usage; list ;;
  *) usage ;;
esac
