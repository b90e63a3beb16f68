#!/usr/bin/env bash
# tests/deploy/upgrade.sh -- the rolling-upgrade test (upgrade.test.mjs): builds "the next
# releases" (CMake -DIDEKOM_UPGRADE_TEST=ON: this code plus test-only migrations 9001
# additive and 9002 breaking, tests/deploy/upgrade/), makes an empty database of its own on
# the server of DATABASE_URL, runs the test behind nginx, and drops the database.
#
# Usage: bash tests/deploy/upgrade.sh [nginx-port old-port next-port last-port]
# Without ports it takes free ones from UPGRADE_PORT_BASE (default 18680) upwards. Needs what
# tests/deploy/run.sh needs (a built build/, DATABASE_URL, the service settings exported,
# nginx, psql); DEPLOY_PG_ADMIN_URL as there (default: DATABASE_URL as postgres).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
build=${UPGRADE_BUILD_DIR:-$root/build}

if ! { cmake -S . -B "$build" -DIDEKOM_UPGRADE_TEST=ON >/dev/null &&
	cmake --build "$build" -j2 --target idekom idekom-next-additive idekom-next-breaking >/dev/null; }; then
	echo "upgrade.sh: cannot build idekom-next-additive and idekom-next-breaking" >&2
	exit 1
fi

if [ $# -eq 4 ]; then
	ports="$1,$2,$3,$4"
else
	ports=''
	p=${UPGRADE_PORT_BASE:-18680}
	while [ "$(tr -cd , <<<"$ports" | wc -c)" -lt 4 ]; do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+="$p,"
		p=$((p + 1))
	done
	ports=${ports%,}
fi

admin_url=${DEPLOY_PG_ADMIN_URL:-$(node -e 'const u = new URL(process.argv[1]); u.username = "postgres"; u.password = ""; u.pathname = "/postgres"; console.log(u.href)' "$DATABASE_URL")}
db=idekom_upgrade_$$
owner=$(psql "$DATABASE_URL" -qAt -c 'SELECT current_user')
upgrade_url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' "$DATABASE_URL" "$db")
psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\" OWNER \"$owner\"" >/dev/null || exit 1
# nginx's workers run as nobody when this runs as root: its folder is outside the checkout
ngx=$(mktemp -d /tmp/idekom-upgrade-nginx.XXXXXX)
chmod 755 "$ngx"
cleanup() {
	psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$ngx"
}
trap cleanup EXIT

IDEKOM_BIN=$build/idekom IDEKOM_NEXT_ADDITIVE_BIN=$build/idekom-next-additive \
	IDEKOM_NEXT_BREAKING_BIN=$build/idekom-next-breaking UPGRADE_DATABASE_URL=$upgrade_url \
	UPGRADE_PORTS=$ports UPGRADE_NGINX_DIR=$ngx node --test tests/deploy/upgrade.test.mjs
