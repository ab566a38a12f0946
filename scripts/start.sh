#!/usr/bin/env bash
# Installs what is needed and runs the API with demo data: http://localhost:${PORT:-3000}/api/docs
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES_DATABASES="${SERVICES_DATABASES:-terrawatch}" bash scripts/services.sh
[ -f .env ] || cp .env.example .env
set -a; . ./.env; set +a
export DATABASE_URL="${DATABASE_URL}"
# The committed lock file: a clean install on a fresh checkout, a quick check of an existing one.
if [ -d node_modules ]; then npm install --no-audit --no-fund; else npm ci --no-audit --no-fund; fi
npm run build
node dist/cli.js migrate
node dist/cli.js demo:seed
# Cloudcasting demo: without a bucket, serve a small synthetic forecast from a local Zarr store.
if [ "${CLOUDCASTING_SOURCE:-s3}" = "s3" ] && [ -z "${CLOUDCASTING_S3_BUCKET:-}" ]; then
  if node dist/cli.js cloudcasting:demo-store --dir ./data/demo-zarr; then
    export CLOUDCASTING_SOURCE="file://$PWD/data/demo-zarr"
  fi
fi
node dist/cli.js cloudcasting:download || echo "cloudcasting:download failed; the API starts without forecast layers"
node dist/cli.js species:demo-seed
echo "Terrawatch on http://localhost:${PORT:-3000} (web console: /, API docs: /api/docs), demo admin ${DEMO_USER:-} / ${DEMO_PASS:-}"
# --- Sensors demo: a small simulation publishing over MQTT while the API runs; it stops when the API stops ---
if [ "${SENSORS_DEMO_SIMULATION:-true}" = "true" ]; then
  node dist/cli.js sensors:simulate --sensors 8 --rate 0.5 --duration 0 --parent-pid $$ >/dev/null 2>&1 &
fi
exec node --heap-growing-percent=40 dist/main.js
