#!/usr/bin/env bash
# run.sh -- the README's run command: installs what is missing, builds, and runs Idékom (API
# and the web/ front end) on http://127.0.0.1:8080.
#
# It installs only what building and running need (deploy/install-deps.sh build runtime; the
# test tools come with tests/run.sh). Without DATABASE_URL it creates and starts a private
# PostgreSQL 15 cluster named .run/pg (deploy/pg-local.sh: as root its files live under
# /var/lib/idekom-pg), migrates it and loads the demo data; the demo admin's password is
# printed the first time. Ctrl-C stops the service (the database keeps running:
# deploy/pg-local.sh .run/pg 54329 stop).
set -euo pipefail
cd "$(dirname "$0")"

deploy/install-deps.sh build runtime
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDEKOM_TESTS=OFF >/dev/null
cmake --build build -j2 >/dev/null

if [ -z "${DATABASE_URL:-}" ]; then
	deploy/pg-local.sh "$PWD/.run/pg" 54329 start
	export DATABASE_URL=postgresql://idekom@127.0.0.1:54329/idekom
fi
# A development secret, made once and kept beside the local database.
if [ -z "${JWT_SECRET:-}" ] && [ -z "${JWT_KEYS:-}" ]; then
	mkdir -p .run
	[ -s .run/jwt-secret ] || (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >.run/jwt-secret)
	JWT_SECRET=$(cat .run/jwt-secret)
	export JWT_SECRET
fi

./build/idekom migrate
IDEKOM_DEMO_ADMIN_FILE=${IDEKOM_DEMO_ADMIN_FILE:-.run/demo-admin.txt} ./build/idekom seed-demo

export STATIC_DIR=${STATIC_DIR:-$PWD/web}
export PORT=${PORT:-8080}
echo "Idékom: http://127.0.0.1:$PORT  (API under /api/v1, health at /healthz)"
exec ./build/idekom serve
