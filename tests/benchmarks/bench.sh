#!/usr/bin/env bash
# The benchmark: seeds 10,000 users and 100,000 posts into the local stack's database (once), then
# measures hot and cold profile and post reads, feed pages, post writes, sign-ups and a 90/10 mix
# through the gateway, closed loop (peak) and open loop (fixed rate), against baselines run in the
# same pass: bare Kestrel returning the same JSON, ASP.NET Core with Redis cache-aside, a pooled
# prepared PostgreSQL query per request, the stateless service (JWT, the post statement, cache-aside
# invalidation), and an Npgsql loop running the post statement alone (in a database of its own,
# actors_bench_raw, recreated each run).
# Starts the local stack if needed plus two gateways whose rate limits never reject (their near
# caches hold 200,000 posts, above the 100,000 of the long-tail runs): 8093, and 8096 with admission
# off for the one-time reads' "before"; stops both at the end. Writes tests/benchmarks/results/benchmark.md and two PNG charts.
# Usage: tests/benchmarks/bench.sh [seconds-per-run (default 10)] [connections (default 64)] [only (profile,feed,writes; default all)]
#        tests/benchmarks/bench.sh [seconds-per-sign-up-slice (default 10)] - background
#   background: two stacks of their own (two silos and a gateway each: 8181, 8182 and 8094 with email,
#   database actors_background; 8183, 8184 and 8097 without, database actors_background_off; both
#   recreated) measure sign-up with welcome emails to a 200 ms SMTP server against no email at all,
#   taking turns; then the outbox drain rate, and silo memory (a full collection on every silo every
#   30 s) over a sustained run of reads plus 100 posts/s (SOAK_SECONDS, default 900).
#        tests/benchmarks/bench.sh [warm-up seconds (default 10)] [connections (default 64)] failover
#   failover: a stack of its own (three silos 8281-8283 and a gateway on 8098, database actors_failover,
#   recreated) under the 90/10 mix: a soak at full load with no kill (SOAK_SECONDS, default 600), which
#   must see no silo declared dead, then silo 0 killed with SIGKILL; errors, latency in the 10 s after
#   against the 10 s before, time to the death declaration and until the rate is back to 90%.
set -euo pipefail
. "$(dirname "$0")/../../deploy/local/lib.sh"

SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-64}"
ONLY="${3:-}"
CONFIGURATION="${CONFIGURATION:-Release}"
RUN="$ACTORS_STATE/run"

bash "$ACTORS_ROOT/deploy/local/up.sh" >/dev/null
ensure_secrets
# The Redis port the stack uses (this checkout's own when another Redis holds the default).
. "$ACTORS_STATE/run/stack.env"
[ "$CLUSTER_TLS" = 1 ] && export_cluster_tls_environment
if [ "$ONLY" = background ]; then
  SILO_DLL="$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll"
  BENCH_DLL="$ACTORS_ROOT/tests/Actors.Benchmarks/bin/$CONFIGURATION/net10.0/Actors.Benchmarks.dll"
  for db in actors_background actors_background_off; do
    ensure_database "$db" fresh
    ConnectionStrings__Postgres="$(postgres_connection_string "$db")" dotnet "$SILO_DLL" migrate >/dev/null
  done
  exec env ConnectionStrings__Postgres="$(postgres_connection_string actors_background)" ConnectionStrings__Redis="$(redis_connection_string)" \
    ConnectionStrings__PostgresNoEmail="$(postgres_connection_string actors_background_off)" \
    Auth__SigningKey="$AUTH_SIGNING_KEY" dotnet "$BENCH_DLL" background --Seconds "$SECONDS_PER_RUN" --SoakSeconds "${SOAK_SECONDS:-900}" \
    --SiloDll "$SILO_DLL" --GatewayDll "$ACTORS_ROOT/client/Actors.Gateway/bin/$CONFIGURATION/net10.0/Actors.Gateway.dll" \
    --Results "$ACTORS_ROOT/tests/benchmarks/results"
fi
if [ "$ONLY" = failover ]; then
  SILO_DLL="$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll"
  ensure_database actors_failover fresh
  ConnectionStrings__Postgres="$(postgres_connection_string actors_failover)" dotnet "$SILO_DLL" migrate >/dev/null
  exec env ConnectionStrings__Postgres="$(postgres_connection_string actors_failover)" ConnectionStrings__Redis="$(redis_connection_string)" \
    Auth__SigningKey="$AUTH_SIGNING_KEY" dotnet "$ACTORS_ROOT/tests/Actors.Benchmarks/bin/$CONFIGURATION/net10.0/Actors.Benchmarks.dll" failover \
    --WarmUpSeconds "$SECONDS_PER_RUN" --Connections "$CONNECTIONS" --SoakSeconds "${SOAK_SECONDS:-600}" \
    --SiloDll "$SILO_DLL" --GatewayDll "$ACTORS_ROOT/client/Actors.Gateway/bin/$CONFIGURATION/net10.0/Actors.Gateway.dll" \
    --Results "$ACTORS_ROOT/tests/benchmarks/results"
fi
GATEWAY_DLL="$ACTORS_ROOT/client/Actors.Gateway/bin/$CONFIGURATION/net10.0/Actors.Gateway.dll"
BENCH_DLL="$ACTORS_ROOT/tests/Actors.Benchmarks/bin/$CONFIGURATION/net10.0/Actors.Benchmarks.dll"
export ConnectionStrings__Redis="$(redis_connection_string)" Cluster__ClusterId="${CLUSTER_ID:-actors-local}"

ensure_database actors_bench_raw fresh
ConnectionStrings__Postgres="$(postgres_connection_string actors_bench_raw)" \
  dotnet "$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll" migrate >/dev/null

# bench_gateway PORT [SETTING=VALUE ...]: a gateway whose rate limits never reject, in the background.
bench_gateway() {
  local port="$1"; shift
  (cd "$(dirname "$GATEWAY_DLL")" && exec env Auth__SigningKey="$AUTH_SIGNING_KEY" Logging__LogLevel__Default=Warning \
    NearCache__PostCapacity=200000 RateLimit__PermitLimit=1000000000 RateLimit__TokensPerPeriod=1000000000 RateLimit__SignUpPermitLimit=1000000000 \
    RateLimit__LoginPerAddressPermitLimit=1000000000 Auth__HashQueueLimit=100000 "$@" \
    Urls=http://127.0.0.1:$port dotnet "$GATEWAY_DLL" >"$RUN/bench-gateway-$port.log" 2>&1) &
}
bench_gateway 8093
gateway=$!
bench_gateway 8096 NearCache__Admission=false
without_admission=$!
trap 'kill -TERM $gateway $without_admission 2>/dev/null || true' EXIT
for port in 8093 8096; do
  for _ in $(seq 1 120); do curl -fsS -o /dev/null http://127.0.0.1:$port/health/ready 2>/dev/null && break; sleep 0.5; done
done

ConnectionStrings__Postgres="$(postgres_connection_string "${DATABASE:-actors}")" \
  ConnectionStrings__PostgresRaw="$(postgres_connection_string actors_bench_raw)" \
  Auth__SigningKey="$AUTH_SIGNING_KEY" \
  dotnet "$BENCH_DLL" --Gateway http://127.0.0.1:8093 --GatewayWithoutAdmission http://127.0.0.1:8096 --Baseline http://127.0.0.1:8095 \
  --Seconds "$SECONDS_PER_RUN" --Connections "$CONNECTIONS" --Results "$ACTORS_ROOT/tests/benchmarks/results${ONLY:+-$ONLY}" ${ONLY:+--Only "$ONLY"}
