#!/usr/bin/env bash
# tests/benchmarks/http2.sh [SECONDS]: hot profile reads through one gateway over HTTP/1.1 (wrk, one
# request at a time on each of 64 connections) and over HTTP/2 without TLS (h2load: the same 64
# requests in flight as 64 streams on 4 connections, and on 1). Starts the local stack and one more
# gateway with an h2c port, and writes tests/benchmarks/results/http2.md. Loopback only, bounded.
set -euo pipefail
. "$(dirname "$0")/../../deploy/local/lib.sh"
SECONDS_PER_RUN="${1:-10}"
H2C_PORT="${H2C_PORT:-8296}"
OUT="$ACTORS_ROOT/tests/benchmarks/results/http2.md"

for tool in wrk:wrk h2load:nghttp2-client; do
  command -v "${tool%%:*}" >/dev/null && continue
  is_root || die "${tool%%:*} is missing; run: sudo apt-get install -y ${tool##*:}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
done

bash "$ACTORS_ROOT/deploy/local/up.sh" >/dev/null
# One more gateway with an h2c port and no rate limit (every request here comes from one address).
gateway="$(Gateway__Http2Port="$H2C_PORT" RateLimit__PermitLimit=1000000000 RateLimit__TokensPerPeriod=1000000000 \
  RateLimit__SignUpPermitLimit=1000 Logging__LogLevel__Default=Warning bash "$ACTORS_ROOT/deploy/local/gateway.sh" add)"
trap 'bash "$ACTORS_ROOT/deploy/local/gateway.sh" remove >/dev/null 2>&1 || true' EXIT

tag="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
user="$(new_account "$gateway" "h2_$tag" "$tag@http2.test" "long enough password")"
path="/api/users/$user"
curl -sf -o /dev/null "$gateway$path"

run_wrk() { wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" --latency "$gateway$path" | awk '/Requests\/sec/ {rps=$2} /99%/ {p99=$2} END {print rps, p99}'; }
run_h2load() { # CONNECTIONS STREAMS
  h2load -c"$1" -m"$2" -D "$SECONDS_PER_RUN" --warm-up-time=1 "http://127.0.0.1:$H2C_PORT$path" \
    | awk '/^finished in/ {rps=$4} /^status codes:/ {ok=$3; other=$5+$7+$9} /^requests:/ {failed=$10} END {print rps, ok, other + failed}'
}

log "warming up (3 s, not counted) ..."; wrk -t1 -c64 -d3s "$gateway$path" >/dev/null
log "HTTP/1.1 (wrk, 64 connections) ..."; read -r h1_rps h1_p99 < <(run_wrk)
log "h2c (h2load, 4 connections x 16 streams) ..."; read -r h2_rps h2_ok h2_failed < <(run_h2load 4 16)
log "h2c (h2load, 1 connection x 64 streams) ..."; read -r h2one_rps h2one_ok h2one_failed < <(run_h2load 1 64)
log "HTTP/1.1 again (alternating) ..."; read -r h1b_rps h1b_p99 < <(run_wrk)

{
  echo "# HTTP/1.1 and HTTP/2 through one gateway"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; the local stack (two silos, PostgreSQL, Redis),"
  echo "one gateway with an h2c port, and the load generator on this one machine. Hot profile reads"
  echo "(\`GET $path\` pattern, one user, near cache), ${SECONDS_PER_RUN} s per run, 64 requests in flight in each."
  echo "Produced by \`tests/benchmarks/http2.sh\` after a 3 s warm-up; the two HTTP/1.1 runs frame the HTTP/2 ones."
  echo "HTTP/2 sends many answers per write and per read on a connection; HTTP/1.1 pays a round of"
  echo "system calls for each. Both clients are native (wrk, h2load) and share the 2 cores with the gateway."
  echo
  echo "| client | connections | in flight per connection | req/s | note |"
  echo "|---|---:|---:|---:|---|"
  echo "| wrk, HTTP/1.1 keep-alive | 64 | 1 | ${h1_rps} | p99 ${h1_p99} |"
  echo "| h2load, HTTP/2 prior knowledge (h2c) | 4 | 16 | ${h2_rps} | ${h2_ok} answered 2xx, ${h2_failed} other or failed |"
  echo "| h2load, h2c | 1 | 64 | ${h2one_rps} | ${h2one_ok} answered 2xx, ${h2one_failed} other or failed |"
  echo "| wrk, HTTP/1.1 keep-alive (again) | 64 | 1 | ${h1b_rps} | p99 ${h1b_p99} |"
} > "$OUT"
cat "$OUT"
