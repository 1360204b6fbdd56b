#!/usr/bin/env bash
# Adds a gateway to the local stack up.sh started, or removes one gracefully: the gateway twin of silo.sh.
#
#   deploy/local/gateway.sh add          start gateway N, N >= 1 the lowest free index, on HTTP port 8280+N
#                                        (8281, 8282, ...), with the main gateway's settings; wait until
#                                        ready; print its URL, http://127.0.0.1:PORT, on stdout
#   deploy/local/gateway.sh remove [N]   SIGTERM to gateway N (default: the highest), wait until it has
#                                        finished its requests and exited; never the main gateway
#   deploy/local/gateway.sh list         the running gateways: the main one, then those added
#
# Ports: the main gateway (up.sh) listens on 8080 (GATEWAY_PORT); added gateway N on GATEWAY_PORT_BASE+N
# (8280+N). Silos use 11111+N, 30000+N and 8081+N, and the benchmarks start their own gateways on 8090 to
# 8097, so the two never collide. An index whose port something else already holds is skipped.
# Every gateway is the same Orleans client with the same configuration (cluster id, Redis, signing key,
# so a token one issues is valid on all).
# Variables you exported for up.sh (Logging__*, RateLimit__*, ...) must be exported here too; the
# cluster, Redis and ports come from the running stack.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Reads gateway indexes, one a line; prints "gateway1 gateway2 ...".
names() { sed 's/^/gateway/' | paste -sd ' ' -; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

# port_taken PORT: true when something accepts connections on 127.0.0.1:PORT.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

add() {
  load_stack_settings
  [ -f "$GATEWAY_DLL" ] || die "$GATEWAY_DLL is not built; run deploy/local/up.sh"
  ensure_secrets
  export_stack_environment
  local i=1
  while running "$RUN/$(gateway_name "$i").pid" || port_taken $((GATEWAY_PORT_BASE + i)); do
    running "$RUN/$(gateway_name "$i").pid" || log "port $((GATEWAY_PORT_BASE + i)) is in use by another process; skipping gateway$i"
    i=$((i + 1))
  done
  local started=$SECONDS
  start_gateway "$i"
  log "gateway$i ready after $((SECONDS - started)) s: $(gateway_url "$i")/health/ready"
  log "added gateways: $(running_gateways | names)"
  gateway_url "$i"
}

remove() {
  load_stack_settings
  local gateways; gateways="$(running_gateways)"
  [ -n "$gateways" ] || die "no added gateway is running (the main gateway is stopped by deploy/local/down.sh)"
  local i="${1:-$(tail -n 1 <<<"$gateways")}"
  [[ "$i" =~ ^[0-9]+$ ]] || die "not a gateway index: $i"
  [ "$i" -ne 0 ] || die "gateway 0 is the main gateway; refusing to remove it (deploy/local/down.sh stops the whole stack)"
  grep -qx "$i" <<<"$gateways" || die "gateway$i is not running (added: $(names <<<"$gateways"))"
  stop_process "$RUN/$(gateway_name "$i").pid"
  log "added gateways: $(running_gateways | names)"
}

list() {
  load_stack_settings
  local i
  running "$RUN/gateway.pid" && echo "gateway   pid $(cat "$RUN/gateway.pid")  $(gateway_url 0)  (main, started by up.sh)"
  for i in $(running_gateways); do
    echo "gateway$i  pid $(cat "$RUN/gateway$i.pid")  $(gateway_url "$i")  $(gateway_url "$i")/health/ready"
  done
}

case "${1:-}" in
  add) [ $# -eq 1 ] || usage; add ;;
  remove) [ $# -le 2 ] || usage; remove "${2:-}" ;;
  list) [ $# -eq 1 ] || usage; list ;;
  *) usage ;;
esac
