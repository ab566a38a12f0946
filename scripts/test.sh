#!/usr/bin/env bash
# The whole test suite on a fresh machine with Node 20: services, dependencies, lint, type check, build, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
# Exactly the committed lock file, as Docker and CI install it.
npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm test
