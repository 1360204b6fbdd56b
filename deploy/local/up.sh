#!/usr/bin/env bash
# Starts the whole stack on loopback: PostgreSQL, Redis (AOF), migrations, two silos and the gateway.
# Idempotent: what already runs is left running. Prints where everything answers.
# deploy/local/silo.sh and gateway.sh add and remove silos and gateways of the running stack; down.sh
# stops it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
stack_settings

ensure_packages
ensure_secrets
ensure_postgres
ensure_database "$DATABASE"
ensure_redis
export_stack_environment
save_stack_settings

log "building ($CONFIGURATION)"
dotnet build "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:q >/dev/null \
  || dotnet build "$ACTORS_ROOT/Actors.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v:q

log "applying migrations to $DATABASE"
dotnet "$SILO_DLL" migrate

for i in $(seq 0 $((SILO_COUNT - 1))); do start_silo "$i"; done
for i in $(seq 0 $((SILO_COUNT - 1))); do wait_ready "silo$i" "$(silo_http_url "$i")/health/ready"; done
start_gateway 0

cat <<INFO

Actors is running.
$(echo "  API gateway   $(gateway_url 0)        (try: curl $(gateway_url 0)/api/users)"
  for i in $(running_gateways); do printf '  %-14s%s        (added with gateway.sh)\n' "$(gateway_name "$i")" "$(gateway_url "$i")"; done)
$(for i in $(running_silos); do
  echo "  silo$i         $(silo_http_url "$i")/health/ready   silo port $((SILO_PORT_BASE + i)), gateway port $((SILO_GATEWAY_PORT_BASE + i))"
done)
  PostgreSQL    $PG_HOST:$PG_PORT database $DATABASE, user $PG_USER (password in .local/secrets.env)
  Redis         $REDIS_HOST:$REDIS_PORT (AOF on, user $REDIS_USER, password in .local/secrets.env)
  Cluster TLS   silos and gateways use .local/tls (mutual TLS; authority ca.crt)
  Mail          ${Email__SmtpHost:-$Email__PickupDirectory (.eml files; set Email__SmtpHost to send over SMTP)}
  Logs          $RUN/*.log
  More silos    deploy/local/silo.sh add   (remove one: deploy/local/silo.sh remove)
  More gateways deploy/local/gateway.sh add   (remove one: deploy/local/gateway.sh remove)
  Stop with     deploy/local/down.sh
INFO
