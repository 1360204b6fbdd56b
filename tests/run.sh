#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis, starting them if needed, on a freshly
# migrated test database (actors_test). Ends with "tests: N passed, N failed".
set -euo pipefail
# A role of its own, so a test run never changes the credentials a running local stack uses.
PG_USER="${TEST_PG_USER:-actors_test}"
. "$(dirname "$0")/../deploy/local/lib.sh"

CONFIGURATION="${CONFIGURATION:-Release}"
TEST_DATABASE="${TEST_DATABASE:-actors_test}"
RESULTS="$ACTORS_ROOT/tests/results"

ensure_packages
# The deploy tests render the Kubernetes manifests with kubectl (no cluster needed).
if ! command -v kubectl >/dev/null; then
  if is_root && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >/dev/null 2>&1; then
    log "installed kubectl"
  else
    die "kubectl is required by the deploy tests: install it (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/) and run again"
  fi
fi
# The deploy tests check the alert rules with promtool (Debian package prometheus).
if ! command -v promtool >/dev/null; then
  if is_root && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null 2>&1 \
       || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null 2>&1; }; }; then
    log "installed promtool (prometheus)"
  else
    die "promtool is required by the deploy tests: sudo apt-get install -y prometheus"
  fi
fi
# The edge test runs the shipped nginx configuration (Debian package nginx).
if ! command -v nginx >/dev/null && ! [ -x /usr/sbin/nginx ]; then
  if is_root && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null 2>&1 \
       || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null 2>&1; }; }; then
    log "installed nginx"
  else
    die "nginx is required by the edge test: sudo apt-get install -y nginx"
  fi
fi
ensure_secrets
ensure_postgres
ensure_database "$TEST_DATABASE" fresh
ensure_redis
ensure_cluster_tls
# Stack tests give every stack of processes a database of its own (each runs an outbox relay, and
# relays of different stacks must not take each other's events), named "$TEST_DATABASE"_stack_...:
# the test role creates them. Leftovers of an earlier run of this test database are dropped; another
# checkout's (another TEST_DATABASE and TEST_PG_USER) are left alone.
as_postgres -q -v ON_ERROR_STOP=1 -d postgres -v role="$PG_USER" -v prefix="${TEST_DATABASE}_stack_" <<'SQL' >/dev/null
SELECT format('ALTER ROLE %I CREATEDB', :'role') \gexec
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE starts_with(datname, :'prefix') \gexec
SQL

export ACTORS_TEST_POSTGRES="$(postgres_connection_string "$TEST_DATABASE")"
export ACTORS_TEST_REDIS="$(redis_connection_string)"
# The development authority and members' certificate for the stacks that run with mutual TLS.
export ACTORS_TEST_TLS="$ACTORS_STATE/tls"

log "building ($CONFIGURATION)"
# The client test generates a C# client with Kiota, a .NET tool (.config/dotnet-tools.json).
(cd "$ACTORS_ROOT" && dotnet tool restore >/dev/null) || die "dotnet tool restore failed (Kiota, from NuGet)"
dotnet build "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:q

log "migrating $TEST_DATABASE"
ConnectionStrings__Postgres="$ACTORS_TEST_POSTGRES" \
  dotnet "$ACTORS_ROOT/silo/Actors.Silo/bin/$CONFIGURATION/net10.0/Actors.Silo.dll" migrate

rm -rf "$RESULTS"
status=0
# Drills stop the machine's PostgreSQL for real, which every other stack shares: they run on their own,
# after everything else. A run given its own arguments (a --filter) runs just what they select.
# The drills get the commands that stop and start this PostgreSQL.
if is_root; then as_root=(); else as_root=(sudo -n); fi
export ACTORS_TEST_POSTGRES_STOP="${as_root[*]} pg_ctlcluster $PG_VERSION $PG_CLUSTER stop -m fast"
export ACTORS_TEST_POSTGRES_START="${as_root[*]} pg_ctlcluster $PG_VERSION $PG_CLUSTER start"
run_tests() {
  dotnet test "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" --no-build -nologo \
    --logger "trx;LogFilePrefix=actors" --logger "console;verbosity=normal" --results-directory "$RESULTS" "$@" || status=$?
}
if [ $# -gt 0 ]; then
  run_tests "$@"
else
  run_tests --filter "Category!=Drill"
  log "drills (PostgreSQL stopped for real; nothing else runs)"
  run_tests --filter "Category=Drill"
fi

# Totals from every project's TRX report, so the line also counts tests of a crashed run.
passed=0; failed=0; total=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" | grep . || echo 0; }
  total=$((total + $(get total))); passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
done
if [ "$total" -eq 0 ]; then
  echo "tests: no test was executed (0 passed, 0 failed)"
  exit 1
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
