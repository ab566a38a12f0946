#!/bin/sh
# The container's start: migrations under their advisory lock (replicas starting together take turns), the demo data
# when DEMO_DATA=true (the README's Docker quick start), then the API.
set -eu
node dist/cli.js migrate
if [ "${DEMO_DATA:-false}" = "true" ]; then
  node dist/cli.js demo:seed
  if [ -z "${CLOUDCASTING_S3_BUCKET:-}" ] && [ "${CLOUDCASTING_SOURCE:-s3}" = "s3" ]; then
    # No bucket: a small synthetic forecast from a Zarr store in the data volume, converted once.
    node dist/cli.js cloudcasting:demo-store --dir ./data/demo-zarr
    export CLOUDCASTING_SOURCE="file://$PWD/data/demo-zarr"
    node dist/cli.js cloudcasting:download || echo "cloudcasting:download failed; the API starts without layers"
  fi
  node dist/cli.js species:demo-seed
fi
exec node --heap-growing-percent=40 dist/main.js
