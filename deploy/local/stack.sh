# The local stack's processes (sourced by lib.sh; used by up.sh, silo.sh, gateway.sh, down.sh and
# the benchmarks): their settings and environment, start, stop and wait, and a confirmed account.

# Settings of the local stack, from the environment or the defaults. Silo N uses silo port
# SILO_PORT_BASE+N, gateway port SILO_GATEWAY_PORT_BASE+N and HTTP port SILO_HTTP_PORT_BASE+N. The
# main gateway listens on GATEWAY_PORT; gateway N added by gateway.sh (N >= 1) on GATEWAY_PORT_BASE+N,
# a range clear of the silos' ports and of the ports the benchmarks use (8090 to 8097, 8181 to 8184).
stack_settings() {
  GATEWAY_PORT="${GATEWAY_PORT:-8080}"
  GATEWAY_PORT_BASE="${GATEWAY_PORT_BASE:-8280}"
  SILO_COUNT="${SILO_COUNT:-2}"
  CONFIGURATION="${CONFIGURATION:-Release}"
  DATABASE="${DATABASE:-actors}"
  CLUSTER_ID="${CLUSTER_ID:-actors-local}"
  SILO_PORT_BASE="${SILO_PORT_BASE:-11111}"
  SILO_GATEWAY_PORT_BASE="${SILO_GATEWAY_PORT_BASE:-30000}"
  SILO_HTTP_PORT_BASE="${SILO_HTTP_PORT_BASE:-8081}"
  CLUSTER_TLS="${CLUSTER_TLS:-1}"   # 0: silos and gateways talk without TLS (to measure what it costs)
  SILO_DLL="$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll"
  GATEWAY_DLL="$ACTORS_ROOT/client/Actors.Gateway/bin/$CONFIGURATION/net10.0/Actors.Gateway.dll"
}

# up.sh records the settings it started the stack with; silo.sh and gateway.sh read them back, so a
# silo or gateway added later joins the stack that runs (its cluster, database and port ranges),
# whatever the defaults.
save_stack_settings() {
  mkdir -p "$RUN"
  local name
  for name in GATEWAY_PORT GATEWAY_PORT_BASE CONFIGURATION DATABASE CLUSTER_ID SILO_PORT_BASE \
              SILO_GATEWAY_PORT_BASE SILO_HTTP_PORT_BASE PG_HOST PG_PORT PG_USER REDIS_HOST REDIS_PORT CLUSTER_TLS; do
    printf '%s=%q\n' "$name" "${!name}"
  done > "$RUN/stack.env"
}

load_stack_settings() {
  [ -f "$RUN/stack.env" ] || die "no local stack found ($RUN/stack.env is missing): start one with deploy/local/up.sh"
  # shellcheck disable=SC1091
  . "$RUN/stack.env"
  stack_settings
}

# What a silo, a gateway or any other cluster client needs to join over mutual TLS.
export_cluster_tls_environment() {
  export ClusterTls__CertificatePath="$ACTORS_STATE/tls/tls.crt" ClusterTls__KeyPath="$ACTORS_STATE/tls/tls.key" \
    ClusterTls__AuthorityPath="$ACTORS_STATE/tls/ca.crt"
}

# The environment every silo and the gateway get (each adds its own ports and name).
export_stack_environment() {
  if [ "$CLUSTER_TLS" = 1 ]; then
    ensure_cluster_tls
    export_cluster_tls_environment
  fi
  export ConnectionStrings__Postgres; ConnectionStrings__Postgres="$(postgres_connection_string "$DATABASE")"
  export ConnectionStrings__Redis; ConnectionStrings__Redis="$(redis_connection_string)"
  export Cluster__ClusterId="$CLUSTER_ID"
  export Auth__SigningKey="$AUTH_SIGNING_KEY"
  # Without an SMTP server (set Email__SmtpHost to use one), account mail is written here as .eml files.
  export Email__PickupDirectory="${Email__PickupDirectory:-$ACTORS_STATE/mail}"
}

# new_account GATEWAY HANDLE EMAIL PASSWORD: signs up through GATEWAY and follows the confirmation mail
# the local stack wrote to its pickup folder (no SMTP server set); prints the new account's id.
new_account() {
  local gateway="$1" handle="$2" email="$3" password="$4" mail="${Email__PickupDirectory:-$ACTORS_STATE/mail}" file="" token
  curl -sf -o /dev/null -X POST "$gateway/api/users" -H 'content-type: application/json' \
    -d "{\"handle\":\"$handle\",\"email\":\"$email\",\"displayName\":\"$handle\",\"password\":\"$password\"}" \
    || die "sign-up of $handle refused"
  for _ in $(seq 1 100); do
    file="$(grep -l -F "<$email>" "$mail"/sign-up.*.eml 2>/dev/null | head -n 1)" && [ -n "$file" ] && break
    sleep 0.1
  done
  [ -n "$file" ] || die "no confirmation mail for $email in $mail (is Email__SmtpHost set?)"
  token="$(grep -m1 'Confirmation token:' "$file" | tr -d '\r' | cut -d' ' -f3)"
  curl -sf -X POST "$gateway/api/users/confirmations" -H 'content-type: application/json' -d "{\"token\":\"$token\"}" \
    | sed 's/.*"id":"\([^"]*\)".*/\1/'
}

# running PIDFILE: true when the pid file names a live process running our program (a pid reused
# by an unrelated process after a reboot does not count).
running() {
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "Actors\."
}

# stop_process PIDFILE: SIGTERM, so a silo leaves the cluster and a gateway finishes its requests,
# then waits up to 40 s (beyond the 30 s shutdown timeouts) before SIGKILL. Removes the pid file.
stop_process() {
  local file="$1" name pid
  name="$(basename "$file" .pid)"
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if running "$file"; then
    local started=$SECONDS
    kill -TERM "$pid"
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 40 s; killing"; kill -KILL "$pid"
    else
      log "stopped $name ($((SECONDS - started)) s after SIGTERM)"
    fi
  fi
  rm -f "$file"
}

# start_process NAME DLL [VAR=VALUE...]: one background process with its own log and pid file. A
# process started before the last build is restarted, so what runs is what was just built: any
# assembly in its directory counts (a change to a library leaves the host's own DLL untouched).
start_process() {
  local name="$1" dll="$2"; shift 2
  mkdir -p "$RUN"
  if running "$RUN/$name.pid"; then
    if [ -n "$(find "$(dirname "$dll")" -maxdepth 1 -name '*.dll' -newer "$RUN/$name.pid" -print -quit)" ]; then
      log "restarting $name: the build is newer than the running process"
      stop_process "$RUN/$name.pid"
    else
      log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0
    fi
  fi
  (cd "$(dirname "$dll")" && exec env "$@" setsid dotnet "$dll" >"$RUN/$name.log" 2>&1 < /dev/null) &
  echo $! > "$RUN/$name.pid"
  log "started $name (pid $!, log $RUN/$name.log)"
}

# wait_ready NAME URL: until URL answers 2xx (up to 120 s); fails with the log's tail if the process exits.
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

silo_http_url() { echo "http://127.0.0.1:$((SILO_HTTP_PORT_BASE + $1))"; }

# start_silo N: silo N of the stack (needs stack_settings and export_stack_environment).
start_silo() {
  local i="$1"
  start_process "silo$i" "$SILO_DLL" Silo__Name="silo$i" Silo__SiloPort=$((SILO_PORT_BASE + i)) \
    Silo__GatewayPort=$((SILO_GATEWAY_PORT_BASE + i)) Urls="$(silo_http_url "$i")"
}

# The indexes of the silos running now, ascending.
running_silos() {
  local file
  for file in "$RUN"/silo*.pid; do
    [ -e "$file" ] || continue
    running "$file" && basename "$file" .pid | sed 's/^silo//'
  done | grep -E '^[0-9]+$' | sort -n || true
}

# Gateway 0 is the main gateway up.sh starts (process "gateway", GATEWAY_PORT); gateway N >= 1 is one
# gateway.sh added (process "gatewayN", GATEWAY_PORT_BASE+N).
gateway_name() { if [ "$1" -eq 0 ]; then echo gateway; else echo "gateway$1"; fi; }
gateway_url() {
  if [ "$1" -eq 0 ]; then echo "http://127.0.0.1:$GATEWAY_PORT"; else echo "http://127.0.0.1:$((GATEWAY_PORT_BASE + $1))"; fi
}

# start_gateway N: gateway N of the stack, then waits until it is ready (needs stack_settings and
# export_stack_environment). Every gateway gets the same environment; only the port differs.
start_gateway() {
  local name; name="$(gateway_name "$1")"
  start_process "$name" "$GATEWAY_DLL" Urls="$(gateway_url "$1")"
  wait_ready "$name" "$(gateway_url "$1")/health/ready"
}

# The indexes of the added gateways running now (never 0, the main one), ascending.
running_gateways() {
  local file
  for file in "$RUN"/gateway?*.pid; do
    [ -e "$file" ] || continue
    running "$file" && basename "$file" .pid | sed 's/^gateway//'
  done | grep -E '^[1-9][0-9]*$' | sort -n || true
}
