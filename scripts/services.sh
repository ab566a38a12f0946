#!/usr/bin/env bash
# Makes sure PostgreSQL 15 + PostGIS 3, Redis 7 and Mosquitto answer on their standard loopback ports, starting
# or installing (Debian packages, as root) whatever is missing. Safe to run any number of times.
set -euo pipefail

log() { printf '[services] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }

APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then log "need root to install: $*"; exit 1; fi
  if [ "$APT_UPDATED" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing PostgreSQL 15"; apt_install postgresql-15 postgresql-client-15
fi
if ! port_open 5432; then
  log "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port 5432 || { log "PostgreSQL did not start"; exit 1; }
fi
PGVERSION=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW server_version_num' 2>/dev/null | cut -c1-2 || true)
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'" 2>/dev/null | grep -q 1; then
  log "installing PostGIS 3 for PostgreSQL ${PGVERSION:-15}"; apt_install "postgresql-${PGVERSION:-15}-postgis-3"
fi
for db in ${SERVICES_DATABASES:-test}; do
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    log "creating database $db"; psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$db\""
  fi
  psql -h 127.0.0.1 -U postgres -d "$db" -qc 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null
done

# Redis
if ! port_open 6379; then
  command -v redis-server >/dev/null 2>&1 || { log "installing Redis"; apt_install redis-server; }
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/terrawatch.log
  wait_port 6379 || { log "Redis did not start"; exit 1; }
fi

# Mosquitto: a broker this script starts runs with the project's settings (docker/mosquitto.conf: queues deep
# enough that overload delays readings instead of dropping them, persistent sessions); one already running is used
# as it is, with a warning when it keeps Mosquitto's default of 1000 queued messages per session.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! port_open 1883; then
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || { log "installing Mosquitto"; apt_install mosquitto; }
  log "starting Mosquitto with docker/mosquitto.conf"
  data=${MOSQUITTO_DATA_DIR:-/var/lib/mosquitto-terrawatch}
  mkdir -p "$data"
  conf="$data/mosquitto.conf"
  sed -e "s#^listener 1883\$#listener 1883 127.0.0.1#" -e "s#^persistence_location .*#persistence_location $data/#" \
    "$ROOT/docker/mosquitto.conf" > "$conf"
  "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -d -c "$conf"
  wait_port 1883 || { log "Mosquitto did not start"; exit 1; }
elif [ -r /etc/mosquitto/mosquitto.conf ] && ! grep -rqs '^max_queued_messages' /etc/mosquitto/mosquitto.conf /etc/mosquitto/conf.d; then
  log "note: the running Mosquitto keeps at most 1000 queued messages per session (max_queued_messages);"
  log "      under overload it drops readings beyond that. docker/mosquitto.conf has the settings to use."
fi

# Browser tests (test/console) drive Debian's Chromium through playwright-core; the COG test runs GDAL's validator.
if ! command -v chromium >/dev/null 2>&1; then log "installing Chromium (browser tests)"; apt_install chromium; fi
if [ ! -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py ]; then
  log "installing GDAL (COG validation)"; apt_install gdal-bin python3-gdal
fi

log "PostgreSQL+PostGIS :5432, Redis :6379, Mosquitto :1883 are up"
