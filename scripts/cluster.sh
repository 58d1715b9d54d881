#!/usr/bin/env bash
# A local cluster on loopback: PostgreSQL (started here unless OC_CLUSTER_POSTGRES names one), 3 silo processes and
# the API as a pure cluster client (OC_API_MODE=cohosted makes it a 4th silo instead).
#
#   scripts/cluster.sh start          # build (Release), start everything, wait until the API answers
#   scripts/cluster.sh stop           # stop the API, the silos and the PostgreSQL it started
#   scripts/cluster.sh status         # what runs, and Orleans' membership table
#   scripts/cluster.sh kill-silo N    # SIGKILL silo N (1-3): no goodbye, Orleans' failure detection must find out
#   scripts/cluster.sh start-silo N   # start silo N again (a new generation of the same address)
#
# Ports: PostgreSQL 17000, Orleans silo ports 17011-17013 and gateways 17021-17023 (a co-hosted API: 17014/17024),
# API http://127.0.0.1:17080. State and logs: ./data/cluster.
#
# The API needs a key: OC_KEY names the first operator key (at least 24 characters); without it, one is made on the
# first start and kept in ./data/cluster/api-key (it is only used while the cluster's database has no key yet, so it
# stays the same across restarts). `start` prints it; use it as
#   curl -H "Authorization: Bearer $OC_KEY" http://127.0.0.1:17080/ops/summary
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="$ROOT/data/cluster"
PG_PORT=17000
API_PORT=17080
SILO_PORTS=(17011 17012 17013)
API_MODE="${OC_API_MODE:-client}"
PG_DATA="$STATE/postgres"
CONNECTION="${OC_CLUSTER_POSTGRES:-Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=orleansconsistency}"
KEY_FILE="$STATE/api-key"

# The operator key: OC_KEY, else the one this cluster was first started with, else a new one (kept for next time).
api_key() {
  if [ -n "${OC_KEY:-}" ]; then echo "$OC_KEY"; return; fi
  if [ ! -s "$KEY_FILE" ]; then
    mkdir -p "$STATE"
    (umask 077; echo "oc_cluster-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$KEY_FILE")
  fi
  cat "$KEY_FILE"
}

as_postgres() {
  # PostgreSQL refuses to run as root; there it runs as the 'postgres' user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || { echo "PostgreSQL binaries not found: apt-get install -y postgresql, or set OC_CLUSTER_POSTGRES" >&2; exit 1; }
  echo "$dir"
}

psql_bin() {
  if [ -x "$(pg_bin)/psql" ]; then echo "$(pg_bin)/psql"; else command -v psql; fi
}

start_postgres() {
  [ -n "${OC_CLUSTER_POSTGRES:-}" ] && return
  local bin; bin="$(pg_bin)"
  mkdir -p "$STATE"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$STATE"
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DATA" start >/dev/null
    touch "$STATE/postgres.started-here"
  fi
  "$(psql_bin)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'orleansconsistency'" | grep -q 1 \
    || "$(psql_bin)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE orleansconsistency"
}

launch() { # name, log, command...
  local name="$1" log="$2"; shift 2
  nohup "$@" >>"$log" 2>&1 &
  echo $! >"$STATE/$name.pid"
}

running() { # name
  local file="$STATE/$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null
}

silo_number() { # N: checks it names one of the silos
  case "${1:-}" in
    [1-9]) [ "$1" -le "${#SILO_PORTS[@]}" ] && return ;;
  esac
  echo "silo number must be 1-${#SILO_PORTS[@]}; it is '${1:-}'" >&2
  exit 2
}

start_silo() { # N
  local i="$1" port="${SILO_PORTS[$(($1 - 1))]}"
  if running "silo-$i"; then echo "silo-$i already runs (pid $(cat "$STATE/silo-$i.pid"))"; return; fi
  cluster_env
  echo "--- $(date -u +%FT%TZ) start" >>"$STATE/silo-$i.log"
  Silo__Name="silo-$i" Silo__SiloPort="$port" Silo__GatewayPort="$((port + 10))" \
    launch "silo-$i" "$STATE/silo-$i.log" dotnet "$ROOT/Silo/bin/Release/net10.0/OrleansConsistency.Silo.dll"
}

cluster_env() {
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
  export Silo__Storage__Provider=postgresql Silo__Storage__ConnectionString="$CONNECTION" Silo__Cluster__Enabled=true
}

start() {
  mkdir -p "$STATE"
  start_postgres
  echo "building (Release; the first build takes a minute or two)..."
  dotnet build -c Release "$ROOT/Api" -v quiet -nologo >/dev/null
  cluster_env
  for i in $(seq 1 "${#SILO_PORTS[@]}"); do
    start_silo "$i"
    if [ "$i" = 1 ]; then wait_for_log "$STATE/silo-1.log" "Application started"; fi # the first one migrates the schema
  done
  local client=true
  [ "$API_MODE" = cohosted ] && client=false
  OC_KEY="$(api_key)"
  if [ "${#OC_KEY}" -lt 24 ]; then echo "OC_KEY must be at least 24 characters" >&2; exit 2; fi
  if ! running api; then
    Api__Auth__BootstrapKey="$OC_KEY" Silo__Name=api Silo__Cluster__ClientOnly="$client" Silo__SiloPort=17014 Silo__GatewayPort=17024 \
      launch api "$STATE/api.log" dotnet "$ROOT/Api/bin/Release/net10.0/OrleansConsistency.Api.dll" --urls "http://127.0.0.1:$API_PORT"
  fi
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$API_PORT/health/live" >/dev/null; then
      echo "cluster up: API http://127.0.0.1:$API_PORT ($API_MODE), silos on ${SILO_PORTS[*]}, logs in $STATE"
      echo "operator key: $OC_KEY"
      echo "  export OC_KEY='$OC_KEY'"
      echo "  curl -H \"Authorization: Bearer \$OC_KEY\" http://127.0.0.1:$API_PORT/ops/summary"
      # The key is used only while the database has none: one made by an earlier start with another key wins.
      local code
      code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $OC_KEY" "http://127.0.0.1:$API_PORT/ops/summary" || true)"
      if [ "$code" = 401 ]; then
        echo "warning: the API does not accept this key (the cluster's database has other keys); set OC_KEY to one of them" >&2
      fi
      return
    fi
    sleep 0.5
  done
  echo "the API did not answer within 60 s; see $STATE/*.log" >&2
  exit 1
}

wait_for_log() { # log, pattern: looks only at what the last start wrote (logs are appended across restarts)
  for _ in $(seq 1 120); do
    tac "$1" 2>/dev/null | sed '/^--- .* start$/q' | grep -q "$2" && return
    sleep 0.5
  done
  echo "timed out waiting for '$2' in $1" >&2; exit 1
}

stop() {
  for name in api silo-3 silo-2 silo-1; do
    local file="$STATE/$name.pid"
    [ -f "$file" ] || continue
    local pid; pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$file"
  done
  if [ -f "$STATE/postgres.started-here" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
    rm -f "$STATE/postgres.started-here"
  fi
  echo "cluster stopped"
}

kill_silo() { # N
  local i="$1"
  if ! running "silo-$i"; then echo "silo-$i is not running" >&2; exit 1; fi
  local pid; pid="$(cat "$STATE/silo-$i.pid")"
  kill -KILL "$pid"
  echo "--- $(date -u +%FT%TZ) SIGKILL" >>"$STATE/silo-$i.log"
  rm -f "$STATE/silo-$i.pid"
  echo "silo-$i (pid $pid) killed with SIGKILL at $(date -u +%T); Orleans declares it dead once its probes fail"
}

# libpq's form of the connection string (psql does not read Npgsql's "Host=...;Port=..." keys).
libpq_connection() {
  local out="" pair key value
  IFS=';' read -ra pairs <<<"$CONNECTION"
  for pair in "${pairs[@]}"; do
    key="${pair%%=*}"; value="${pair#*=}"
    case "${key,,}" in
      host|server) out+="host=$value " ;;
      port) out+="port=$value " ;;
      username|user\ id|userid|user) out+="user=$value " ;;
      password) out+="password=$value " ;;
      database) out+="dbname=$value " ;;
    esac
  done
  echo "$out"
}

status() {
  for name in silo-1 silo-2 silo-3 api; do
    if running "$name"; then echo "$name: running (pid $(cat "$STATE/$name.pid"))"; else echo "$name: stopped"; fi
  done
  # Orleans' membership rows as the silos' membership protocol keeps them: one per silo generation (a restarted
  # silo is a new row; dead ones stay until Orleans' DefunctSiloExpiration).
  "$(psql_bin)" "$(libpq_connection)" -c \
    "SELECT silo_name, address || ':' || port AS silo, generation,
            CASE status WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active' WHEN 4 THEN 'ShuttingDown'
                        WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead' ELSE status::text END AS status,
            proxy_port AS gateway, start_time, i_am_alive_time
       FROM orleans_membership ORDER BY start_time" 2>/dev/null \
    || echo "(membership table not readable: is PostgreSQL up and the cluster started once?)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill-silo) silo_number "${2:-}"; kill_silo "$2" ;;
  start-silo)
    silo_number "${2:-}"
    start_silo "$2"
    wait_for_log "$STATE/silo-$2.log" "Application started"
    echo "silo-$2 started (pid $(cat "$STATE/silo-$2.pid"))" ;;
  *) echo "usage: $0 start|stop|status|kill-silo N|start-silo N" >&2; exit 2 ;;
esac
