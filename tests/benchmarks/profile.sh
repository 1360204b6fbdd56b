#!/usr/bin/env bash
# tests/benchmarks/profile.sh SCENARIO [SECONDS]: on-CPU flame graphs of one gateway and one silo
# while one benchmark scenario runs.
#   hot-read    GET one profile through the near cache (wrk, 64 connections)
#   post-write  POST /api/posts by 32 authors in turn (wrk, 32 connections), as the benchmark writes
#   cold-read   GET posts no silo holds, each read once (wrk, 64 connections, as the benchmark's cold
#               pass): not admitted, each is read by a silo's cold reader, batched, with nothing
#               activated. The stack restarts first so that no post is active; needs the benchmark's
#               seeded posts.
# Starts the local stack, then one more silo and one more gateway with perf maps
# (DOTNET_PerfMapEnabled=1 and W^X off, so perf names JIT-compiled methods) and no rate limit; drives the scenario
# for WARMUP_SECONDS (default 20, not recorded) and then SECONDS (default 15; loopback only) while perf samples both processes (499 Hz, call graphs by
# frame pointer); stops the two again. Writes tests/benchmarks/results/flame-SCENARIO-gateway.svg and
# -silo.svg (any browser opens them: hover a frame for its share, click to zoom) and the folded
# stacks beside them (.folded, one "frame;frame;... samples" a line, for diffing two runs).
set -euo pipefail
. "$(dirname "$0")/../../deploy/local/lib.sh"
SCENARIO="${1:-}"
SECONDS_PER_RUN="${2:-15}"
OUT="$ACTORS_ROOT/tests/benchmarks/results"
case "$SCENARIO" in
  hot-read|post-write|cold-read) ;;
  *) die "usage: tests/benchmarks/profile.sh hot-read|post-write|cold-read [SECONDS]" ;;
esac

for tool in wrk:wrk perf:linux-perf python3:python3; do
  command -v "${tool%%:*}" >/dev/null && continue
  is_root || die "${tool%%:*} is missing; run: sudo apt-get install -y ${tool##*:}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
done
if ! perf record -q -o /dev/null -- true 2>/dev/null; then
  die "perf may not sample here (kernel.perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)); run as root or: sudo sysctl kernel.perf_event_paranoid=1"
fi

[ "$SCENARIO" = cold-read ] && bash "$ACTORS_ROOT/deploy/local/down.sh" >/dev/null
bash "$ACTORS_ROOT/deploy/local/up.sh" >/dev/null
RUN="$ACTORS_STATE/run"
load_stack_settings
# Perf maps name JIT-compiled code, which W^X double mapping would hide behind a memfd mapping.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
before="$(cd "$ACTORS_STATE/run" && ls silo*.pid 2>/dev/null || true)"
bash "$ACTORS_ROOT/deploy/local/silo.sh" add >/dev/null
silo="$(cd "$ACTORS_STATE/run" && ls silo*.pid | grep -vxF -f <(printf '%s\n' "$before") | head -n 1)"
gateway="$(RateLimit__PermitLimit=1000000000 RateLimit__TokensPerPeriod=1000000000 RateLimit__SignUpPermitLimit=1000 \
  Logging__LogLevel__Default=Warning bash "$ACTORS_ROOT/deploy/local/gateway.sh" add)"
gateway_pid="$(cat "$(ls -t "$ACTORS_STATE"/run/gateway?*.pid | head -n 1)")"
silo_pid="$(cat "$ACTORS_STATE/run/$silo")"
cleanup() {
  bash "$ACTORS_ROOT/deploy/local/gateway.sh" remove >/dev/null 2>&1 || true
  bash "$ACTORS_ROOT/deploy/local/silo.sh" remove "${silo//[^0-9]/}" >/dev/null 2>&1 || true
  rm -f "$work"/*; rmdir "$work" 2>/dev/null || true
}
work="$(mktemp -d)"
trap cleanup EXIT

warm_args=(); record_args=()
tag="$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
case "$SCENARIO" in
  hot-read)
    user="$(new_account "$gateway" "p_$tag" "p_$tag@profile.test" "long enough password")"
    printf 'wrk.method = "GET"\n' > "$work/load.lua"
    url="$gateway/api/users/$user"; connections=64 ;;
  post-write)
    tokens=()
    for i in $(seq 1 32); do
      new_account "$gateway" "p_${tag}_$i" "p_${tag}_$i@profile.test" "long enough password" >/dev/null
      tokens+=("$(curl -sf -X POST "$gateway/api/sessions" -H 'content-type: application/json' \
        -d "{\"email\":\"p_${tag}_$i@profile.test\",\"password\":\"long enough password\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')")
    done
    {
      printf 'local tokens = {'; printf '"%s",' "${tokens[@]}"; printf '}\n'
      cat <<'LUA'
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]
  return wrk.format(nil, nil, nil, '{"body":"Profiled post ' .. n .. ': a sentence of ordinary length, like people write."}')
end
LUA
    } > "$work/load.lua"
    url="$gateway/api/posts"; connections=32 ;;
  cold-read)
    # Warm-up and recording read different posts: each is read once, by one of the two runs.
    as_postgres -d "$DATABASE" -Atc "SELECT id FROM posts ORDER BY id LIMIT 150000" > "$work/ids.txt"
    [ "$(wc -l < "$work/ids.txt")" -ge 100000 ] || die "cold-read needs the benchmark's 100,000 posts: run tests/benchmarks/bench.sh once"
    head -n 40000 "$work/ids.txt" > "$work/warm.txt"; tail -n +40001 "$work/ids.txt" > "$work/record.txt"
    cat > "$work/load.lua" <<'LUA'
local ids, n = {}, 0
init = function(args) for id in io.lines(args[1]) do ids[#ids + 1] = id end end
request = function()
  n = n + 1
  return wrk.format("GET", "/api/posts/" .. ids[(n - 1) % #ids + 1])
end
LUA
    warm_args=(-- "$work/warm.txt"); record_args=(-- "$work/record.txt")
    url="$gateway"; connections=64 ;;
esac

# The two processes just started: run the scenario until tiered compilation has settled, so the
# recording shows the steady state, not the JIT.
log "warming up (${WARMUP_SECONDS:-20} s, not recorded) ..."
wrk -t1 -c"$connections" -d"${WARMUP_SECONDS:-20}s" -s "$work/load.lua" "$url" "${warm_args[@]}" >/dev/null
log "recording $SCENARIO for ${SECONDS_PER_RUN} s: gateway pid $gateway_pid, $silo pid $silo_pid ..."
perf record -q -F 499 -g -p "$gateway_pid" -o "$work/gateway.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
perf_gateway=$!
perf record -q -F 499 -g -p "$silo_pid" -o "$work/silo.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
perf_silo=$!
wrk -t1 -c"$connections" -d"${SECONDS_PER_RUN}s" -s "$work/load.lua" "$url" "${record_args[@]}" | tee "$work/wrk.txt" | grep -E 'Requests/sec|Non-2xx' >&2 || true
wait "$perf_gateway" "$perf_silo"

mkdir -p "$OUT"
stamp="$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores"
rate="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")"
for process in gateway silo; do
  perf script -i "$work/$process.data" 2>/dev/null \
    | python3 "$ACTORS_ROOT/tests/benchmarks/flamegraph.py" --title "$SCENARIO, $process: on-CPU samples at 499 Hz over ${SECONDS_PER_RUN} s, ${rate} req/s ($stamp)" \
      --folded "$OUT/flame-$SCENARIO-$process.folded" > "$OUT/flame-$SCENARIO-$process.svg"
  log "wrote $OUT/flame-$SCENARIO-$process.svg"
done
