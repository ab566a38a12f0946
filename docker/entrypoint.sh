#!/bin/sh
# The container's start: migrations under their advisory lock (replicas starting together take turns), then the API.
set -eu
node dist/cli.js migrate
exec node --max-semi-space-size=64 dist/main.js
