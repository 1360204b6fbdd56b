# Shared by deploy/local/up.sh, down.sh and tests/run.sh: find or start PostgreSQL and Redis on
# loopback, create the database and role, and keep generated secrets out of the repository.
# Source it; it defines functions and settings, and starts nothing by itself.

ACTORS_ROOT="${ACTORS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ACTORS_STATE="${ACTORS_STATE:-$ACTORS_ROOT/.local}"   # gitignored: secrets, pids, logs, Redis data
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_USER="${PG_USER:-actors}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

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
  echo "Host=$PG_HOST;Port=$PG_PORT;Database=$1;Username=$PG_USER;Password=$PG_PASSWORD;Timeout=3;Command Timeout=5;Maximum Pool Size=30;Keepalive=30"
}

redis_connection_string() {
  echo "$REDIS_HOST:$REDIS_PORT,abortConnect=false,connectTimeout=2000"
}

# Redis holds cluster membership, so it must persist (AOF): a Redis that forgets its data after a
# restart can leave silos waiting on members that no longer exist.
ensure_redis() {
  if redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    if [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config get appendonly | tail -n 1)" != yes ]; then
      log "Redis on $REDIS_HOST:$REDIS_PORT runs without AOF; turning appendonly on"
      redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config set appendonly yes >/dev/null
      # Also in its config file, or the next restart forgets it (and with it the membership table).
      redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config rewrite >/dev/null \
        || log "warning: could not persist appendonly in that Redis's config file; set 'appendonly yes' there"
    fi
    return 0
  fi
  local dir="$ACTORS_STATE/redis"
  mkdir -p "$dir"
  cat > "$dir/redis.conf" <<CONF
bind $REDIS_HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync everysec
save ""
CONF
  log "starting Redis on $REDIS_HOST:$REDIS_PORT (AOF in $dir)"
  redis-server "$dir/redis.conf"
  for _ in $(seq 1 40); do
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.25
  done
  die "Redis did not start; see $dir/redis.log"
}
