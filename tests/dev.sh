#!/usr/bin/env bash
# tests/dev.sh -- while working: run a few test files against a fresh database and one build,
# without the whole suite. Not part of tests/run.sh (which stays the one test command).
#
# Usage: [B=build|build-asan] [IDEKOM_PORT_OFFSET=N] bash tests/dev.sh tests/http/x.test.mjs ...
# Builds $B (cmake must have configured it), starts a private PostgreSQL in .run/pg-dev on
# 55440+N, a fresh database, the service on 18200+N with the suite's settings, runs the
# given files with node --test, and stops the service (SIGTERM must give exit 0).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
B=${B:-build}
offset=${IDEKOM_PORT_OFFSET:-0}
pg_port=$((55440 + offset))
port=$((18200 + offset))
cmake --build "$B" -j2 >/dev/null || exit 1
deploy/pg-local.sh "$root/.run/pg-dev" "$pg_port" start
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -c "DROP DATABASE IF EXISTS idekom_test WITH (FORCE)" \
	-c "CREATE DATABASE idekom_test OWNER idekom" >/dev/null
export DATABASE_URL=postgresql://idekom@127.0.0.1:$pg_port/idekom_test
"./$B/idekom" migrate >/dev/null || exit 1
export IDEKOM_ADMIN_EMAIL=admin-$RANDOM@idekom.test
export IDEKOM_ADMIN_PASSWORD=admin-password-$RANDOM$RANDOM
IDEKOM_PASSWORD=$IDEKOM_ADMIN_PASSWORD "./$B/idekom" user add --email "$IDEKOM_ADMIN_EMAIL" \
	--name "Test Admin" --role admin >/dev/null
export JWT_KEYS="k2026:$(head -c 32 /dev/urandom | base64 | tr -d '\n'),k2025:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export JWT_ISSUER=idekom-test JWT_AUDIENCE=idekom-test-api
export CORS_ORIGINS=https://idekom.example,http://localhost:5173
export TRUSTED_PROXIES=127.0.0.1
export THREADS=16 DB_POOL_SIZE=8 LOG_LEVEL=warn
export RATE_LIMIT_READ=1000000 RATE_LIMIT_WRITE=1000000 RATE_LIMIT_AUTH=1000000
export WEBHOOK_ALLOW_PRIVATE=1 WEBHOOK_RETRY_SCALE=100 WEBHOOK_POLL_MS=100
# mails go to the SMTP server that tests/http/account*.test.mjs run (smtp-server) on this port
export IDEKOM_SMTP_PORT=$((18170 + offset))
export SMTP_URL=smtp://127.0.0.1:$IDEKOM_SMTP_PORT SMTP_TLS=none SMTP_FROM=idekom@idekom.test
export MAIL_RETRY_SCALE=100 MAIL_POLL_MS=100 PUBLIC_BASE_URL=https://idekom.example
export STATIC_DIR=$root/web
export IDEKOM_SCREENSHOT_DIR=$root/.run/screenshots-dev
export IDEKOM_JWT_KEYS=$JWT_KEYS IDEKOM_JWT_ISSUER=$JWT_ISSUER IDEKOM_JWT_AUDIENCE=$JWT_AUDIENCE
export IDEKOM_CORS_ORIGIN=https://idekom.example
export IDEKOM_PG_CTL=$root/tests/pg-ctl.sh IDEKOM_PG_DIR=$root/.run/pg-dev IDEKOM_PG_PORT=$pg_port
export PORT=$port IDEKOM_BASE_URL=http://127.0.0.1:$port IDEKOM_BIN=$root/$B/idekom
export IDEKOM_SECOND_PORT=$((port + 1))
"./$B/idekom" serve >"$root/.run/serve-dev.log" 2>&1 &
pid=$!
export IDEKOM_SERVICE_PID=$pid
for _ in $(seq 1 100); do curl -fs "$IDEKOM_BASE_URL/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
node --test --test-concurrency=1 "$@"
rc=$?
kill -TERM "$pid"
wait "$pid"
echo "serve exited $? (log: .run/serve-dev.log)"
exit $rc
