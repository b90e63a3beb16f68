#!/usr/bin/env bash
# tests/browser/screenshots.sh -- the README's screenshots (docs/screenshots/), made from the
# demo data in Debian's Chromium with a Swedish locale and Göteborg's time zone. Not part of
# the test command (whose own screenshots go under .run/), so a test run leaves the tree as it
# was. Needs a release build (build/idekom) and npm ci. Ports: PORT_BASE (default 20300) for
# PostgreSQL, PORT_BASE+1 for the service.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
base=${PORT_BASE:-20300}
pg_dir=$root/.run/pg-screenshots
deploy/pg-local.sh "$pg_dir" "$base" start
trap 'kill "$pid" 2>/dev/null || true; deploy/pg-local.sh "$pg_dir" "$base" stop' EXIT
psql -h 127.0.0.1 -p "$base" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
	-c "DROP DATABASE IF EXISTS idekom_demo WITH (FORCE)" -c "CREATE DATABASE idekom_demo OWNER idekom"
export DATABASE_URL=postgresql://idekom@127.0.0.1:$base/idekom_demo
./build/idekom migrate >/dev/null
export IDEKOM_ADMIN_EMAIL=kansliet@idekom.example IDEKOM_ADMIN_PASSWORD=screenshots-$RANDOM$RANDOM
IDEKOM_PASSWORD=$IDEKOM_ADMIN_PASSWORD ./build/idekom user add --email "$IDEKOM_ADMIN_EMAIL" --name "Kansliet" --role admin >/dev/null
./build/idekom seed-demo >/dev/null
JWT_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '\n') STATIC_DIR=$root/web PORT=$((base + 1)) LOG_LEVEL=warn \
	./build/idekom serve >"$root/.run/screenshots-serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$((base + 1))/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
IDEKOM_BASE_URL=http://127.0.0.1:$((base + 1)) node tests/browser/screenshots.mjs "$root/docs/screenshots"
