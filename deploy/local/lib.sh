# Shared by deploy/local/up.sh, down.sh, silo.sh, gateway.sh and tests/run.sh: find or start
# PostgreSQL and Redis on loopback, create the database and role, keep generated secrets out of the
# repository, and start, stop and wait for the stack's processes. Source it; it defines functions and
# settings, and starts nothing by itself.

ACTORS_ROOT="${ACTORS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ACTORS_STATE="${ACTORS_STATE:-$ACTORS_ROOT/.local}"   # gitignored: secrets, pids, logs, Redis data
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_USER="${PG_USER:-actors}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
RUN="$ACTORS_STATE/run"                               # pid files, logs, and the running stack's settings

log()  { printf '[actors] %s\n' "$*" >&2; }
die()  { printf '[actors] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Installs missing Debian packages when root; otherwise names exactly what to install.
ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli    >/dev/null || missing+=(redis-tools)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v psql         >/dev/null || missing+=(postgresql-client)
  command -v curl         >/dev/null || missing+=(curl)
  command -v openssl      >/dev/null || missing+=(openssl)
  command -v dotnet       >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH): https://dot.net"
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_root; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing packages; run: sudo apt-get install -y ${missing[*]}"
  fi
}

# Generated once per checkout and kept in .local/secrets.env (never committed).
ensure_secrets() {
  mkdir -p "$ACTORS_STATE"
  local file="$ACTORS_STATE/secrets.env"
  if [ ! -f "$file" ]; then
    (
      umask 077
      {
        echo "PG_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
        echo "AUTH_SIGNING_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
      } > "$file"
    )
  fi
  # Added to secrets files made before Redis required a password.
  if ! grep -q '^REDIS_PASSWORD=' "$file"; then
    (umask 077; echo "REDIS_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)" >> "$file")
  fi
  # shellcheck disable=SC1090
  . "$file"
}

# psql as the postgres superuser, on the cluster listening on PG_PORT.
as_postgres() {
  if is_root; then runuser -u postgres -- psql -p "$PG_PORT" "$@"; else sudo -u postgres psql -p "$PG_PORT" "$@"; fi
}

ensure_postgres() {
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then return 0; fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$PG_CLUSTER"; then
    is_root || die "no PostgreSQL cluster; run: sudo pg_createcluster $PG_VERSION $PG_CLUSTER --start"
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
  if is_root; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  else die "PostgreSQL is not running; run: sudo pg_ctlcluster $PG_VERSION $PG_CLUSTER start"; fi
  for _ in $(seq 1 60); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && return 0; sleep 0.5; done
  die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT"
}

# ensure_database NAME [fresh]: the role (password from secrets) owning database NAME, in UTF-8.
# With "fresh", the database is dropped first (tests start from an empty schema). Names and the
# password travel as psql variables, quoted by format(), never pasted into SQL.
ensure_database() {
  local db="$1" fresh="${2:-}"
  as_postgres -q -v ON_ERROR_STOP=1 -d postgres -v role="$PG_USER" -v password="$PG_PASSWORD" -v db="$db" \
    -v fresh="$fresh" >/dev/null <<'SQL' || die "could not create role $PG_USER and database $db (needs root, or sudo to act as the postgres user)"
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') WHERE :'fresh' = 'fresh' \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

postgres_connection_string() {
  echo "Host=$PG_HOST;Port=$PG_PORT;Database=$1;Username=$PG_USER;Password=$PG_PASSWORD;Timeout=3;Command Timeout=5;Maximum Pool Size=8;Max Auto Prepare=32;Keepalive=30"
}

# Redis requires a password: the ACL user REDIS_USER with REDIS_PASSWORD (from .local/secrets.env);
# the default user is off, so nothing gets in anonymously.
REDIS_USER="${REDIS_USER:-actors}"

redis_connection_string() {
  echo "$REDIS_HOST:$REDIS_PORT,user=$REDIS_USER,password=$REDIS_PASSWORD,abortConnect=false,connectTimeout=2000"
}

# redis_as_us PORT ARGS...: redis-cli as this checkout's user (the password travels in the
# environment, never on a command line).
redis_as_us() {
  local port="$1"; shift
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --no-auth-warning -h "$REDIS_HOST" -p "$port" --user "$REDIS_USER" "$@"
}

# Whether the Redis on PORT is one this checkout can use: our user gets in and nobody else does.
redis_is_ours() {
  redis_as_us "$1" ping 2>/dev/null | grep -q PONG || return 1
  ! redis-cli -h "$REDIS_HOST" -p "$1" ping 2>/dev/null | grep -q PONG
}

# Redis holds cluster membership, so it must persist (AOF): a Redis that forgets its data after a
# restart can leave silos waiting on members that no longer exist. REDIS_PORT first; when a Redis
# there is another checkout's (or one that lets anyone in), a port of this checkout's own.
ensure_redis() {
  local port fallback
  fallback=$((6380 + $(printf '%s' "$ACTORS_STATE" | cksum | cut -d' ' -f1) % 500))
  # The default port, then this checkout's own, then a few beyond it (another clone at the same
  # path may have left its Redis there).
  for port in "$REDIS_PORT" $(seq "$fallback" $((fallback + 9))); do
    if redis_is_ours "$port"; then
      REDIS_PORT="$port"
      if [ "$(redis_as_us "$port" config get appendonly | tail -n 1)" != yes ]; then
        log "Redis on $REDIS_HOST:$port runs without AOF; turning appendonly on"
        redis_as_us "$port" config set appendonly yes >/dev/null
        # Also in its config file, or the next restart forgets it (and with it the membership table).
        redis_as_us "$port" config rewrite >/dev/null \
          || log "warning: could not persist appendonly in that Redis's config file; set 'appendonly yes' there"
      fi
      return 0
    fi
    if started_by_us_without_password "$port"; then
      log "restarting this checkout's Redis on $REDIS_HOST:$port with a password"
      redis-cli -h "$REDIS_HOST" -p "$port" shutdown >/dev/null 2>&1 || true
      sleep 0.5
    fi
    if ! redis-cli -h "$REDIS_HOST" -p "$port" ping >/dev/null 2>&1; then
      start_redis "$port"
      return 0
    fi
    log "the Redis on $REDIS_HOST:$port is not this checkout's (it refuses our password or lets anyone in)"
  done
  die "no Redis of this checkout could be started on $REDIS_HOST:$REDIS_PORT or $fallback to $((fallback + 9)); stop the others or set REDIS_PORT"
}

# A Redis this checkout started before Redis required a password: anyone gets in, and it runs
# under the pid this checkout recorded.
started_by_us_without_password() {
  [ -f "$ACTORS_STATE/redis/redis.pid" ] || return 1
  local theirs
  theirs="$(redis-cli -h "$REDIS_HOST" -p "$1" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
  [ -n "$theirs" ] && [ "$theirs" = "$(cat "$ACTORS_STATE/redis/redis.pid")" ]
}

start_redis() {
  local port="$1" dir="$ACTORS_STATE/redis"
  mkdir -p "$dir"
  (
    umask 077
    cat > "$dir/redis.conf" <<CONF
bind $REDIS_HOST
port $port
protected-mode yes
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync everysec
save ""
user default off
user $REDIS_USER on >$REDIS_PASSWORD ~* &* +@all
CONF
  )
  log "starting Redis on $REDIS_HOST:$port (password required, AOF in $dir)"
  redis-server "$dir/redis.conf"
  echo "$port" > "$dir/port"
  REDIS_PORT="$port"
  for _ in $(seq 1 40); do
    redis_as_us "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.25
  done
  die "Redis did not start; see $dir/redis.log"
}

# --- The local stack's processes (up.sh, silo.sh, gateway.sh, down.sh) ---

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

# The cluster's mutual TLS: a development authority and a members' certificate, made once per
# checkout in .local/tls (deploy/local/certs.sh).
ensure_cluster_tls() {
  bash "$ACTORS_ROOT/deploy/local/certs.sh" "$ACTORS_STATE/tls"
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
