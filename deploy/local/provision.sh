# Provisioning for the local stack and the tests (sourced by lib.sh, which defines the settings it
# reads): missing Debian packages, generated secrets kept out of the repository, PostgreSQL and its
# database and role, Redis with its ACL user, the cluster's development certificates.

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

# The cluster's mutual TLS: a development authority and a members' certificate, made once per
# checkout in .local/tls (deploy/local/certs.sh).
ensure_cluster_tls() {
  bash "$ACTORS_ROOT/deploy/local/certs.sh" "$ACTORS_STATE/tls"
}
