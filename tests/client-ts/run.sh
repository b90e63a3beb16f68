#!/usr/bin/env bash
# tests/client-ts/run.sh -- what an integrator with a generated TypeScript client gets:
# openapi-typescript turns openapi/openapi.yaml into types (.run/client-ts/idekom-api.d.ts,
# ignored by git), and tsc --strict type-checks calls.ts, one typed openapi-fetch call per tag
# of the description. A description that generators misread (an untyped body, a
# discriminator that does not narrow, a renamed field) fails here.
# Needs the pinned tools: run `npm ci` at the repository root first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p .run/client-ts
./node_modules/.bin/openapi-typescript openapi/openapi.yaml -o .run/client-ts/idekom-api.d.ts --silent
./node_modules/.bin/tsc --strict --noEmit -p tests/client-ts/tsconfig.json
echo "client-ts: generated types and calls.ts type-check (tsc --strict)"
