# Shared by deploy/local/up.sh, down.sh, silo.sh, gateway.sh, tests/run.sh and the benchmarks: the
# settings and the two halves, provision.sh (packages, secrets, PostgreSQL, Redis, certificates) and
# stack.sh (the stack's processes: start, stop, wait, their environment). Source it; it defines
# functions and settings, and starts nothing by itself.

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

. "$ACTORS_ROOT/deploy/local/provision.sh"
. "$ACTORS_ROOT/deploy/local/stack.sh"
