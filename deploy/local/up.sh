#!/usr/bin/env bash
# Starts the whole stack on loopback: PostgreSQL, Redis (AOF), migrations, two silos and the gateway.
# Idempotent: what already runs is left running. Prints where everything answers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GATEWAY_PORT="${GATEWAY_PORT:-8080}"
SILO_COUNT="${SILO_COUNT:-2}"
CONFIGURATION="${CONFIGURATION:-Release}"
DATABASE="${DATABASE:-actors}"
CLUSTER_ID="${CLUSTER_ID:-actors-local}"
RUN="$ACTORS_STATE/run"
mkdir -p "$RUN"

ensure_packages
ensure_secrets
ensure_postgres
ensure_database "$DATABASE"
ensure_redis

export ConnectionStrings__Postgres="$(postgres_connection_string "$DATABASE")"
export ConnectionStrings__Redis="$(redis_connection_string)"
export Cluster__ClusterId="$CLUSTER_ID"
export Auth__SigningKey="$AUTH_SIGNING_KEY"
# Without an SMTP server (set Email__SmtpHost to use one), welcome emails are written here as .eml files.
export Email__PickupDirectory="${Email__PickupDirectory:-$ACTORS_STATE/mail}"

log "building ($CONFIGURATION)"
dotnet build "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:q >/dev/null \
  || dotnet build "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:q
SILO_DLL="$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll"
GATEWAY_DLL="$ACTORS_ROOT/client/Actors.Gateway/bin/$CONFIGURATION/net10.0/Actors.Gateway.dll"

log "applying migrations to $DATABASE"
dotnet "$SILO_DLL" migrate

# running PIDFILE: true when the pid file names a live process running our program (a pid reused
# by an unrelated process after a reboot does not count).
running() {
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "Actors\."
}

stop() {
  local pid; pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$1"
}

# start NAME DLL [VAR=VALUE...]: one background process with its own log and pid file. A process
# started before the last build is restarted, so what runs is what was just built.
start() {
  local name="$1" dll="$2"; shift 2
  if running "$RUN/$name.pid"; then
    if [ "$dll" -nt "$RUN/$name.pid" ]; then
      log "restarting $name: the build is newer than the running process"
      stop "$RUN/$name.pid"
    else
      log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0
    fi
  fi
  (cd "$(dirname "$dll")" && exec env "$@" setsid dotnet "$dll" >"$RUN/$name.log" 2>&1 < /dev/null) &
  echo $! > "$RUN/$name.pid"
  log "started $name (pid $!, log $RUN/$name.log)"
}

wait_ready() {
  local name="$1" url="$2"
  for _ in $(seq 1 240); do
    # Only "alive" here: right after the start the process may not have become dotnet yet.
    kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null || { tail -n 30 "$RUN/$name.log" >&2; die "$name exited; log above"; }
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  die "$name not ready at $url after 120 s; see $RUN/$name.log"
}

for i in $(seq 0 $((SILO_COUNT - 1))); do
  start "silo$i" "$SILO_DLL" Silo__Name="silo$i" Silo__SiloPort=$((11111 + i)) Silo__GatewayPort=$((30000 + i)) \
    Urls="http://127.0.0.1:$((8081 + i))"
done
for i in $(seq 0 $((SILO_COUNT - 1))); do wait_ready "silo$i" "http://127.0.0.1:$((8081 + i))/health/ready"; done
start gateway "$GATEWAY_DLL" Urls="http://127.0.0.1:$GATEWAY_PORT"
wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/health/ready"

cat <<INFO

Actors is running.
  API gateway   http://127.0.0.1:$GATEWAY_PORT        (try: curl http://127.0.0.1:$GATEWAY_PORT/api/users)
$(for i in $(seq 0 $((SILO_COUNT - 1))); do
  echo "  silo$i         http://127.0.0.1:$((8081 + i))/health/ready   silo port $((11111 + i)), gateway port $((30000 + i))"
done)
  PostgreSQL    $PG_HOST:$PG_PORT database $DATABASE, user $PG_USER (password in .local/secrets.env)
  Redis         $REDIS_HOST:$REDIS_PORT (AOF on)
  Mail          ${Email__SmtpHost:-$Email__PickupDirectory (.eml files; set Email__SmtpHost to send over SMTP)}
  Logs          $RUN/*.log
  Stop with     deploy/local/down.sh
INFO
