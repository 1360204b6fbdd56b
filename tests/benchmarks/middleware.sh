#!/usr/bin/env bash
# What the gateway's response middleware costs and saves, measured in one run on one machine:
#  - bytes on the wire for a 100-item list: identity, gzip, Brotli;
#  - hot profile read throughput and latency through a gateway with everything on (compression,
#    rate limiting that never rejects, auth, projection, ETag, Cache-Control) and through one with
#    compression and rate limiting off (the foundation's pipeline), alternating A/B/A/B.
# Starts the local stack if needed (deploy/local/up.sh) plus two extra gateways on 8090 and 8091,
# which it stops at the end. Writes tests/benchmarks/results/middleware.md.
# Usage: tests/benchmarks/middleware.sh [seconds-per-run (default 10)] [connections (default 32)]
set -euo pipefail
. "$(dirname "$0")/../../deploy/local/lib.sh"

DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
OUT="$ACTORS_ROOT/tests/benchmarks/results"
RUN="$ACTORS_STATE/run"
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  is_root || die "wrk is missing; run: sudo apt-get install -y wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

bash "$ACTORS_ROOT/deploy/local/up.sh" >/dev/null
ensure_secrets
# The Redis port the stack uses (this checkout's own when another Redis holds the default).
. "$ACTORS_STATE/run/stack.env"
[ "$CLUSTER_TLS" = 1 ] && export_cluster_tls_environment
GATEWAY_DLL="$ACTORS_ROOT/client/Actors.Gateway/bin/${CONFIGURATION:-Release}/net10.0/Actors.Gateway.dll"
export ConnectionStrings__Redis="$(redis_connection_string)" Cluster__ClusterId="${CLUSTER_ID:-actors-local}" \
  Auth__SigningKey="$AUTH_SIGNING_KEY" Logging__LogLevel__Default=Warning
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null || true' EXIT

gateway() { # PORT VAR=VALUE...
  local port="$1"; shift
  (cd "$(dirname "$GATEWAY_DLL")" && exec env "$@" Urls="http://127.0.0.1:$port" dotnet "$GATEWAY_DLL" >"$RUN/bench-gateway-$port.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && return 0; sleep 0.5; done
  die "gateway on $port did not become ready; see $RUN/bench-gateway-$port.log"
}
gateway 8090 Gateway__EnableCompression=false RateLimit__Enabled=false
gateway 8091 RateLimit__PermitLimit=1000000000 RateLimit__TokensPerPeriod=1000000000
LEAN=http://127.0.0.1:8090
FULL=http://127.0.0.1:8091

log "seeding a user with 100 posts"
tag="bench$(date +%s%N | tail -c 9)"
id=$(new_account "$FULL" "$tag" "$tag@bench.test" "benchmark password")
token=$(curl -fsS -X POST "$FULL/api/sessions" -H 'content-type: application/json' \
  -d "{\"email\":\"$tag@bench.test\",\"password\":\"benchmark password\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
for i in $(seq 1 100); do
  curl -fsS -o /dev/null -X POST "$FULL/api/posts" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"body\":\"Post $i of the benchmark user: a sentence of ordinary length, the kind people write every day.\"}"
done

list="$FULL/api/users/$id/posts?limit=100"
bytes() { curl -fsS -o /dev/null -H "Accept-Encoding: $1" -w '%{size_download}' "$list"; }
identity=$(bytes identity); gzip=$(bytes gzip); br=$(bytes br)

# run URL -> "requests/s p50 p99" (latencies in ms)
run() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H 'Accept-Encoding: br, gzip' "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { if (bad > 0) { print "non-2xx responses: " bad > "/dev/stderr"; exit 1 } printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}
profile="/api/users/$id"
log "warming up"
wrk -t2 -c"$CONNECTIONS" -d3s "$LEAN$profile" >/dev/null; wrk -t2 -c"$CONNECTIONS" -d3s "$FULL$profile" >/dev/null
declare -a lean_runs full_runs
for round in 1 2; do
  log "round $round: foundation pipeline"; lean_runs+=("$(run "$LEAN$profile")")
  log "round $round: all middleware";      full_runs+=("$(run "$FULL$profile")")
done
mean() { printf '%s\n' "$@" | awk -v c="$1" '{ r += $1; a += $2; b += $3; n++ } END { printf "%.0f %.2f %.2f", r / n, a / n, b / n }'; }
read -r lean_rps lean_p50 lean_p99 <<<"$(mean "${lean_runs[@]}")"
read -r full_rps full_p50 full_p99 <<<"$(mean "${full_runs[@]}")"
cost=$(awk -v l="$lean_rps" -v f="$full_rps" 'BEGIN { printf "%.1f", (l - f) * 100 / l }')

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
cat > "$OUT/middleware.md" <<MD
### Gateway middleware: bytes and hot-read cost

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);
gateways, two silos, PostgreSQL, Redis and wrk ($CONNECTIONS connections, 2 threads, ${DURATION} s per run, two runs each, alternating) on this one machine.

| 100-post list, body bytes | identity | gzip | Brotli |
|---|---:|---:|---:|
| \`GET /api/users/{id}/posts?limit=100\` | $identity | $gzip ($(awk -v a="$gzip" -v b="$identity" 'BEGIN { printf "%.0f%%", a * 100 / b }')) | $br ($(awk -v a="$br" -v b="$identity" 'BEGIN { printf "%.0f%%", a * 100 / b }')) |

| Hot profile read \`GET /api/users/{id}\` | requests/s | p50 ms | p99 ms |
|---|---:|---:|---:|
| foundation pipeline (no compression, no rate limiting) | $lean_rps | $lean_p50 | $lean_p99 |
| all middleware on | $full_rps | $full_p50 | $full_p99 |
| cost of the middleware | $cost% | | |
MD
cat "$OUT/middleware.md"
