#!/usr/bin/env bash
# tests/deploy/run.sh -- tests of the deployment (docker-compose.yml, deploy/Dockerfile,
# deploy/nginx/, deploy/backup.sh, deploy/restore.sh, deploy/docker-entrypoint.sh) with the
# real programs, on a machine without a Docker engine. tests/run.sh calls it after the other
# suites; the last line is "deploy: N passed, N failed" and the exit status is non-zero when
# anything failed. Nothing is skipped: a missing tool is a failure.
#
# It expects what tests/run.sh leaves: the packages of `deploy/install-deps.sh test`, `npm ci`
# (with dclint and dockerfile-utils), a built binary (IDEKOM_BIN, default build/idekom), a
# migrated database at DATABASE_URL with an admin (IDEKOM_ADMIN_EMAIL/_PASSWORD), and the
# service settings exported (JWT_KEYS, JWT_ISSUER, JWT_AUDIENCE, ... and their IDEKOM_* twins
# for the HTTP suite). Optional: DEPLOY_COMPOSE_SCHEMA (default tests/deploy/compose-spec/
# compose-spec.json, vendored with its licence), DEPLOY_PG_ADMIN_URL (a superuser URL on the same server, default:
# DATABASE_URL as user postgres, database postgres), DEPLOY_TOOLS_BIN (default
# node_modules/.bin), DEPLOY_HTTP_SAMPLE (HTTP test files run through nginx).
#
#  1. compose: the schema and the cross-checks (check-compose.mjs), Debian's docker-compose
#     1.29 reading the file with deploy/.env.example, dclint;
#  2. Dockerfile: dockerfile-utils lint, the check list (check-dockerfile.mjs), and a rehearsal
#     of the build stage: the files the .dockerignore lets through, copied to a fresh folder,
#     built with the Dockerfile's own RUN line;
#  3. the entrypoint: *_FILE secrets, migrate at start, arguments, exec (SIGTERM reaches the
#     binary), and the HEALTHCHECK commands of the Dockerfile and the compose file run against
#     a live process, a process without its database, and a closed port;
#  4. nginx (Debian's, rendered from deploy/nginx/ by render-nginx.mjs) in front of two
#     `idekom serve` on one database: nginx.test.mjs, a sample of the HTTP suite and the
#     browser tests through it, then failover.test.mjs (replicas going away);
#  4b. a rolling upgrade (upgrade.sh): this build and "the next" (test-only migrations) on
#     one database of their own behind nginx;
#  5. backup.sh (rotation, lock, password file, its idekom.prom for monitoring), the backup
#     encrypted with age and decrypted as README.md says, and restore.sh of the decrypted
#     dump into a new database; every table's row count and the md5 of its ordered rows,
#     sequences and the schema compared;
#  6. monitoring: deploy/prometheus/ with promtool (config, rules, and the rules' unit tests).
# Ports 18600-18699 only; scratch files under .run/deploy (nginx runs from a folder under /tmp,
# see below). Everything started is stopped.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
bin=${IDEKOM_BIN:-$root/build/idekom}
schema=${DEPLOY_COMPOSE_SCHEMA:-$root/tests/deploy/compose-spec/compose-spec.json}
tools=${DEPLOY_TOOLS_BIN:-$root/node_modules/.bin}
sample=${DEPLOY_HTTP_SAMPLE:-auth organisations registrations calendar webhooks documents}
scratch=$root/.run/deploy

passed=0
failed=0
step() { printf '\n== deploy: %s\n' "$*"; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }

# runs a checker that prints ok:/FAILED: lines; counts them (a crash counts as one failure)
run_checks() {
	local name=$1 out rc n_ok n_bad
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	n_ok=$(grep -c '^ok: ' <<<"$out")
	n_bad=$(grep -c '^FAILED: ' <<<"$out")
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then bad "$name (exit $rc)"; fi
	if [ "$rc" -eq 0 ] && [ "$n_ok" -eq 0 ]; then bad "$name: no check ran"; fi
}

# runs a command quietly; on failure shows the end of its output
quiet() { # name, cmd...
	local name=$1 log
	shift
	log=$(mktemp "$scratch/log.XXXXXX")
	if "$@" >"$log" 2>&1; then
		ok "$name"
	else
		bad "$name"
		tail -40 "$log" | sed 's/^/    /'
	fi
	rm -f "$log"
}

# processes this script started: stopped at exit whatever happens
declare -a started=()
restore_db=''
cleanup() {
	local p
	for p in "${started[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${started[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "$restore_db" ] && [ -n "${admin_url:-}" ]; then
		psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$restore_db\" WITH (FORCE)" >/dev/null 2>&1
	fi
	# nginx's folder outside the checkout: keep its logs with the other scratch files
	if [ -n "${ngx:-}" ] && [ -d "$ngx" ]; then
		mkdir -p "$scratch/nginx"
		cp "$ngx"/*.log "$ngx"/*.conf "$scratch/nginx/" 2>/dev/null
		rm -rf "$ngx"
	fi
}
trap cleanup EXIT

# free TCP ports on 127.0.0.1 within 18600-18699: `port NAME` sets the variable NAME (no
# subshell, so the ports handed out are remembered)
declare -a taken=()
p_img='' p_nodb='' p_closed='' p_nginx='' p1='' p2='' p_r='' p_second=''
p_up_nginx='' p_up_old='' p_up_next='' p_up_last=''
port() {
	local p
	for p in $(seq 18600 18699); do
		[[ " ${taken[*]} " == *" $p "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			taken+=("$p")
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	echo "tests/deploy: no free port in 18600-18699" >&2
	return 1
}

wait_http() { # url [tries]: until it answers 200
	local _
	for _ in $(seq 1 "${2:-100}"); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# one run at a time in this folder (the scratch folder and the port range are shared)
mkdir -p "$root/.run"
exec 8>"$root/.run/deploy.lock"
if ! flock -w 1800 8; then
	echo "tests/deploy: another run holds $root/.run/deploy.lock"
	echo "deploy: 0 passed, 1 failed"
	exit 1
fi
rm -rf "$scratch"
mkdir -p "$scratch"

# ------------------------------------------------------------------------------------------
step "prerequisites"
missing=()
[ -x "$bin" ] || missing+=("the binary $bin (IDEKOM_BIN)")
[ -f "$schema" ] || missing+=("the Compose schema $schema (DEPLOY_COMPOSE_SCHEMA)")
[ -n "${DATABASE_URL:-}" ] || missing+=("DATABASE_URL")
[ -n "${IDEKOM_ADMIN_EMAIL:-}" ] && [ -n "${IDEKOM_ADMIN_PASSWORD:-}" ] || missing+=("IDEKOM_ADMIN_EMAIL/IDEKOM_ADMIN_PASSWORD")
[ -n "${JWT_KEYS:-}${JWT_SECRET:-}" ] || missing+=("JWT_KEYS or JWT_SECRET")
for t in nginx docker-compose psql pg_dump pg_restore curl readelf node flock age age-keygen promtool; do
	command -v "$t" >/dev/null || missing+=("$t (deploy/install-deps.sh test)")
done
for t in dclint dockerfile-utils; do
	[ -x "$tools/$t" ] || missing+=("$tools/$t (package.json: dclint@3.1.0, dockerfile-utils@0.16.3; npm ci)")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "tools, binary, database and settings are there"
else
	for m in "${missing[@]}"; do bad "missing: $m"; done
fi
if [ -z "${DEPLOY_PG_ADMIN_URL:-}" ] && [ -n "${DATABASE_URL:-}" ]; then
	DEPLOY_PG_ADMIN_URL=$(node -e 'const u = new URL(process.argv[1]); u.username = "postgres"; u.password = ""; u.pathname = "/postgres"; console.log(u.href)' "$DATABASE_URL")
fi
admin_url=${DEPLOY_PG_ADMIN_URL:-}

# ------------------------------------------------------------------------------------------
step "docker-compose.yml"
run_checks "check-compose.mjs" node tests/deploy/check-compose.mjs "$schema"
# Debian's docker-compose 1.29 parses and interpolates the file without an engine; with the
# backup profile it must list all four services
quiet "docker-compose 1.29 reads docker-compose.yml with deploy/.env.example" \
	docker-compose --env-file deploy/.env.example -f docker-compose.yml config -q
services=$(docker-compose --env-file deploy/.env.example -f docker-compose.yml --profile backup config --services 2>&1 | sort | tr '\n' ' ')
if [ "$services" = "api backup db web " ]; then ok "docker-compose lists api, backup, db, web"; else bad "docker-compose lists: $services"; fi
quiet "dclint docker-compose.yml" "$tools/dclint" docker-compose.yml

# ------------------------------------------------------------------------------------------
step "deploy/Dockerfile"
quiet "dockerfile-utils lint deploy/Dockerfile" "$tools/dockerfile-utils" lint deploy/Dockerfile
run_checks "check-dockerfile.mjs" node tests/deploy/check-dockerfile.mjs "$scratch/dockerfile" "$bin"

# The build stage, rehearsed: only the files the .dockerignore sends, in a fresh folder, built
# by the Dockerfile's own RUN line (at most 2 compile jobs).
ctx=$scratch/context
image_bin=''
if [ -s "$scratch/dockerfile/context-files.txt" ] && [ -s "$scratch/dockerfile/build-run.sh" ]; then
	mkdir -p "$ctx"
	(cd "$root" && xargs -d '\n' cp --parents -t "$ctx" <"$scratch/dockerfile/context-files.txt")
	# shellcheck disable=SC2317 # called by the build's $(nproc)
	nproc() { echo 2; }
	export -f nproc
	if WORKDIR=$ctx bash "$scratch/dockerfile/build-run.sh" >"$scratch/context-build.log" 2>&1 && [ -x "$ctx/idekom" ]; then
		ok "the build stage builds from the .dockerignore'd context alone ($(wc -l <"$scratch/dockerfile/context-files.txt") files)"
		image_bin=$ctx/idekom
	else
		bad "the build stage, rehearsed in $ctx"
		tail -30 "$scratch/context-build.log" | sed 's/^/    /'
	fi
	unset -f nproc
	needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' '; }
	if [ -n "$image_bin" ] && [ "$(needed "$image_bin")" = "$(needed "$bin")" ]; then
		ok "the image's binary links the same libraries as $bin ($(needed "$bin"))"
	elif [ -n "$image_bin" ]; then
		bad "libraries differ: image $(needed "$image_bin") / $bin $(needed "$bin")"
	fi
else
	bad "no build context or build command from check-dockerfile.mjs"
fi
image_bin=${image_bin:-$bin}

# ------------------------------------------------------------------------------------------
step "deploy/docker-entrypoint.sh"
ep=$root/deploy/docker-entrypoint.sh
fake=$scratch/fake-idekom
cat >"$fake" <<'EOF'
#!/bin/bash
# stands in for the binary: records each call and the settings it was given
{ printf 'ARGS'; printf ' %s' "$@"; echo; env | grep -E '^(JWT_|PGPASSWORD|DATABASE_URL|POSTGRES_PASSWORD)' | sort; } >>"$FAKE_LOG"
EOF
chmod +x "$fake"
printf 's3cret-with-newline-at-the-end-0123456789\n' >"$scratch/jwt_secret"
printf 'db-password' >"$scratch/pg_password"
: >"$scratch/empty"
fake_run() { # expected-status, env..., -- args...
	local want=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	: >"$scratch/fake.log"
	env -i PATH="$PATH" FAKE_LOG="$scratch/fake.log" IDEKOM_REAL_BIN="$fake" "${envs[@]}" "$ep" "$@" >"$scratch/fake.out" 2>&1
	[ $? -eq "$want" ]
}
if fake_run 0 JWT_SECRET_FILE="$scratch/jwt_secret" POSTGRES_PASSWORD_FILE="$scratch/pg_password" MIGRATE_AT_START=0 -- serve &&
	grep -qx 'JWT_SECRET=s3cret-with-newline-at-the-end-0123456789' "$scratch/fake.log" &&
	grep -qx 'PGPASSWORD=db-password' "$scratch/fake.log" &&
	! grep -q '_FILE=' "$scratch/fake.log" && [ "$(grep -c '^ARGS' "$scratch/fake.log")" -eq 1 ]; then
	ok "entrypoint: JWT_SECRET_FILE and POSTGRES_PASSWORD_FILE become JWT_SECRET and PGPASSWORD (newline dropped, *_FILE unset)"
else
	bad "entrypoint: secrets from files"
	cat "$scratch/fake.log" "$scratch/fake.out" | sed 's/^/    /'
fi
if fake_run 0 JWT_KEYS_FILE="$scratch/jwt_secret" DATABASE_URL_FILE="$scratch/pg_password" -- &&
	[ "$(grep '^ARGS' "$scratch/fake.log" | tr '\n' '|')" = "ARGS migrate|ARGS serve|" ] &&
	grep -qx 'JWT_KEYS=s3cret-with-newline-at-the-end-0123456789' "$scratch/fake.log" &&
	grep -qx 'DATABASE_URL=db-password' "$scratch/fake.log"; then
	ok "entrypoint: no arguments = serve, migrating first; JWT_KEYS_FILE and DATABASE_URL_FILE"
else
	bad "entrypoint: default command and migrate at start"
	cat "$scratch/fake.log" "$scratch/fake.out" | sed 's/^/    /'
fi
if fake_run 0 -- user add --email 'a b@c.d' --name 'Anna Admin' &&
	[ "$(grep '^ARGS' "$scratch/fake.log")" = "ARGS user add --email a b@c.d --name Anna Admin" ]; then
	ok "entrypoint: other commands pass through unchanged and do not migrate"
else
	bad "entrypoint: pass-through"
	sed 's/^/    /' "$scratch/fake.log"
fi
if fake_run 1 JWT_SECRET=x JWT_SECRET_FILE="$scratch/jwt_secret" -- serve && grep -q 'both JWT_SECRET and JWT_SECRET_FILE' "$scratch/fake.out" &&
	fake_run 1 JWT_SECRET_FILE="$scratch/nope" -- serve && grep -q 'cannot read' "$scratch/fake.out" &&
	fake_run 1 POSTGRES_PASSWORD_FILE="$scratch/empty" -- serve && grep -q 'is empty' "$scratch/fake.out" &&
	[ ! -s "$scratch/fake.log" ]; then
	ok "entrypoint: refuses NAME with NAME_FILE, an unreadable file and an empty one, before running anything"
else
	bad "entrypoint: bad secret files"
	sed 's/^/    /' "$scratch/fake.out"
fi
fake_migrate_fails=$scratch/fake-fail
cat >"$fake_migrate_fails" <<'EOF'
#!/bin/sh
[ "$1" = migrate ] && exit 1
echo served >>"$FAKE_LOG"
EOF
chmod +x "$fake_migrate_fails"
: >"$scratch/fake.log"
if ! env -i PATH="$PATH" FAKE_LOG="$scratch/fake.log" IDEKOM_REAL_BIN="$fake_migrate_fails" "$ep" serve >/dev/null 2>&1 &&
	[ ! -s "$scratch/fake.log" ]; then
	ok "entrypoint: a failed migration stops the container before serving"
else
	bad "entrypoint: serve despite a failed migration"
fi

# The real binary (the one the image build produced) through the entrypoint, as the image
# runs it: migrate (nothing to do), serve, the health checks, SIGTERM.
hc_json=$scratch/dockerfile/healthcheck.json
compose_hc() { # service: its healthcheck test, $$ unescaped, as a JSON array
	node -e '
		const YAML = require("yaml"); const fs = require("fs");
		const t = YAML.parse(fs.readFileSync("docker-compose.yml", "utf8")).services[process.argv[1]].healthcheck.test;
		console.log(JSON.stringify(t.slice(1).map((s) => s.split("$$").join("$"))));' "$1"
}
run_hc() { # json-array port-from port-to [env...]: runs a health check command, returns its status
	local json=$1 from=$2 to=$3
	shift 3
	mapfile -d '' -t argv < <(node -e '
		const a = JSON.parse(process.argv[1]).map((s) => process.argv[2] ? s.split("/" + process.argv[2] + " ").join("/" + process.argv[3] + " ") : s);
		process.stdout.write(a.join("\0") + "\0");' "$json" "$from" "$to")
	env "$@" timeout 10 "${argv[@]}" >/dev/null 2>&1
}
port p_img
port p_nodb
port p_closed
printf '%s\n' "$JWT_KEYS" >"$scratch/jwt_keys"
env -u JWT_KEYS -u JWT_SECRET JWT_KEYS_FILE="$scratch/jwt_keys" PORT="$p_img" BIND_ADDRESS=127.0.0.1 \
	IDEKOM_REAL_BIN="$image_bin" "$ep" >"$scratch/entrypoint-serve.log" 2>&1 &
ep_pid=$!
started+=("$ep_pid")
if wait_http "http://127.0.0.1:$p_img/readyz" 150 && grep -q 'schema is current\|nothing to do\|migration' "$scratch/entrypoint-serve.log"; then
	ok "entrypoint + the image's binary: migrated at start, then ready on /readyz"
else
	bad "entrypoint + the image's binary did not become ready"
	tail -20 "$scratch/entrypoint-serve.log" | sed 's/^/    /'
fi
# a process whose database is away: /healthz 200, /readyz 503
env DATABASE_URL="postgresql://idekom@127.0.0.1:$p_closed/idekom?connect_timeout=1" PORT="$p_nodb" \
	BIND_ADDRESS=127.0.0.1 "$image_bin" serve >"$scratch/nodb.log" 2>&1 &
nodb_pid=$!
started+=("$nodb_pid")
wait_http "http://127.0.0.1:$p_nodb/healthz" 100
if [ -s "$hc_json" ]; then
	api_hc=$(compose_hc api)
	web_hc=$(compose_hc web)
	if run_hc "$(cat "$hc_json")" "" "" PORT="$p_img"; then ok "Dockerfile HEALTHCHECK passes on a ready process"; else bad "Dockerfile HEALTHCHECK on a ready process"; fi
	if ! run_hc "$(cat "$hc_json")" "" "" PORT="$p_nodb"; then ok "Dockerfile HEALTHCHECK fails when the database is away (/readyz 503)"; else bad "Dockerfile HEALTHCHECK passed without a database"; fi
	if ! run_hc "$(cat "$hc_json")" "" "" PORT="$p_closed"; then ok "Dockerfile HEALTHCHECK fails on a closed port"; else bad "Dockerfile HEALTHCHECK passed on a closed port"; fi
	if run_hc "$api_hc" 8080 "$p_img" && ! run_hc "$api_hc" 8080 "$p_nodb"; then
		ok "compose api healthcheck: passes when ready, fails without a database"
	else
		bad "compose api healthcheck ($api_hc)"
	fi
else
	bad "no HEALTHCHECK command from check-dockerfile.mjs"
fi
# the db healthcheck (CMD-SHELL) against the test database, and against a closed port
db_hc=$(compose_hc db)
read -r db_port db_name < <(node -e 'const u = new URL(process.argv[1]); console.log(u.port || 5432, u.pathname.slice(1))' "$DATABASE_URL")
db_user=$(psql "$DATABASE_URL" -qAt -c 'SELECT current_user')
if run_hc "[\"sh\",\"-c\",$(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1])[0]))' "$db_hc")]" "" "" \
	PGPORT="$db_port" POSTGRES_USER="$db_user" POSTGRES_DB="$db_name" &&
	! run_hc "[\"sh\",\"-c\",$(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1])[0]))' "$db_hc")]" "" "" \
		PGPORT="$p_closed" POSTGRES_USER="$db_user" POSTGRES_DB="$db_name"; then
	ok "compose db healthcheck (pg_isready over TCP): passes on the database, fails on a closed port"
else
	bad "compose db healthcheck ($db_hc)"
fi
kill -TERM "$ep_pid"
rc=0
wait "$ep_pid" || rc=$?
if [ "$rc" -eq 0 ]; then ok "SIGTERM to the entrypoint's process (exec'd binary): drained, exit 0"; else bad "SIGTERM through the entrypoint: exit $rc"; fi
kill -TERM "$nodb_pid" 2>/dev/null
wait "$nodb_pid" 2>/dev/null

# ------------------------------------------------------------------------------------------
step "nginx in front of two idekom serve processes"
port p_nginx
port p1
port p2
# As root, nginx's workers run as nobody (like the image's nginx user), and nobody cannot
# enter a checkout in /root. So nginx's folder (prefix, temporary files) and the copy of web/
# it serves live under /tmp; `cp -a` keeps the modes, so a file in web/ that the image's
# nginx could not read is unreadable here too. Its logs end up in $scratch/nginx.
ngx=$(mktemp -d /tmp/idekom-deploy-nginx.XXXXXX)
chmod 755 "$ngx"
cp -a "$root/web" "$ngx/web"
# TRUSTED_PROXIES exactly as the compose file builds it (web's address, then an empty extra)
PORT=$p1 BIND_ADDRESS=127.0.0.1 TRUSTED_PROXIES="127.0.0.1," STATIC_DIR=$root/web \
	"$bin" serve >"$scratch/serve-1.log" 2>&1 &
s1=$!
started+=("$s1")
# the second through the entrypoint, keys from a file, migrating at start like a replica
env -u JWT_KEYS -u JWT_SECRET JWT_KEYS_FILE="$scratch/jwt_keys" PORT="$p2" BIND_ADDRESS=127.0.0.1 \
	TRUSTED_PROXIES="127.0.0.1," IDEKOM_REAL_BIN="$bin" "$ep" serve >"$scratch/serve-2.log" 2>&1 &
s2=$!
started+=("$s2")
if wait_http "http://127.0.0.1:$p1/readyz" && wait_http "http://127.0.0.1:$p2/readyz"; then
	ok "two processes ready on ports $p1 and $p2 (one database)"
else
	bad "the two processes did not become ready"
	tail -5 "$scratch"/serve-*.log | sed 's/^/    /'
fi
nginx_ok=0
if node tests/deploy/render-nginx.mjs "$ngx" "$p_nginx" "$ngx/web" "127.0.0.1:$p1" "127.0.0.1:$p2"; then
	[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$ngx/tmp"
	if nginx -t -q -p "$ngx" -c "$ngx/nginx.conf" >"$scratch/nginx-t.log" 2>&1; then
		ok "nginx -t accepts deploy/nginx/idekom.conf (upstream, listen and root swapped)"
		nginx -p "$ngx" -c "$ngx/nginx.conf" >>"$ngx/access.log" 2>>"$ngx/error.log" &
		nginx_pid=$!
		started+=("$nginx_pid")
		if wait_http "http://127.0.0.1:$p_nginx/nginx-health" 50; then
			ok "nginx runs on 127.0.0.1:$p_nginx"
			nginx_ok=1
		else
			bad "nginx did not start"
			sed 's/^/    /' "$ngx/error.log"
		fi
	else
		bad "nginx -t"
		sed 's/^/    /' "$scratch/nginx-t.log"
	fi
else
	bad "rendering deploy/nginx/idekom.conf"
fi

if [ "$nginx_ok" -eq 1 ]; then
	if run_hc "$web_hc" 80 "$p_nginx"; then ok "compose web healthcheck passes against nginx"; else bad "compose web healthcheck ($web_hc)"; fi
	export DEPLOY_NGINX=http://127.0.0.1:$p_nginx
	export DEPLOY_UPSTREAMS=127.0.0.1:$p1,127.0.0.1:$p2
	export DEPLOY_STATIC_URL=http://127.0.0.1:$p1
	export DEPLOY_NGINX_LOG=$ngx/access.log
	export DEPLOY_WEB_DIR=$root/web
	# both processes must outlive each suite run through nginx
	still_running() {
		local p gone=''
		for p in "$s1" "$s2" "$nginx_pid"; do kill -0 "$p" 2>/dev/null || gone+=" $p"; done
		if [ -z "$gone" ]; then ok "both processes and nginx still run after $1"; else bad "after $1, gone:$gone"; fi
	}
	if node --test --test-concurrency=1 tests/deploy/nginx.test.mjs; then
		ok "nginx.test.mjs: front end, health, spread, rate limits, refresh tokens, client addresses"
	else
		bad "nginx.test.mjs"
	fi
	still_running nginx.test.mjs

	# a sample of the HTTP suite through nginx (every response validated against the OpenAPI
	# description), with process 1 as "the service"
	files=()
	for f in $sample; do
		if [ -f "tests/http/$f.test.mjs" ]; then files+=("tests/http/$f.test.mjs"); else bad "DEPLOY_HTTP_SAMPLE: tests/http/$f.test.mjs is missing"; fi
	done
	port p_second
	if [ ${#files[@]} -gt 0 ] && IDEKOM_BASE_URL=$DEPLOY_NGINX IDEKOM_SERVICE_PID=$s1 \
		IDEKOM_BIN=$bin IDEKOM_SECOND_PORT=$p_second node --test --test-concurrency=1 "${files[@]}"; then
		ok "HTTP suite sample through nginx ($sample)"
	else
		bad "HTTP suite sample through nginx ($sample)"
	fi
	still_running "the HTTP sample"

	# the browser tests through nginx (screenshots into the scratch folder, not docs/)
	shopt -s nullglob
	browser=(tests/browser/*.test.mjs)
	shopt -u nullglob
	if [ ${#browser[@]} -eq 0 ]; then
		bad "no browser tests in tests/browser"
	elif IDEKOM_BASE_URL=$DEPLOY_NGINX IDEKOM_SCREENSHOT_DIR=$scratch/screenshots \
		node --test --test-concurrency=1 "${browser[@]}"; then
		ok "browser tests through nginx (${#browser[@]} files)"
	else
		bad "browser tests through nginx"
	fi
	still_running "the browser tests"

	# replicas going away: stops both processes
	if DEPLOY_UPSTREAM_PIDS=$s1,$s2 node --test tests/deploy/failover.test.mjs; then
		ok "failover.test.mjs: one replica gone: no errors; both gone: 503 problem+json"
	else
		bad "failover.test.mjs"
	fi
	for p in "$s1" "$s2"; do
		kill -TERM "$p" 2>/dev/null
		rc=0
		wait "$p" || rc=$?
		if [ "$rc" -eq 0 ]; then ok "process $p: exit 0 after SIGTERM"; else bad "process $p: exit $rc"; fi
	done
	pidfile=ok
	[ "$(cat "$ngx/nginx.pid" 2>/dev/null)" = "$nginx_pid" ] || pidfile="nginx.pid is gone or wrong (did another process touch $ngx?)"
	kill -QUIT "$nginx_pid"
	rc=0
	wait "$nginx_pid" || rc=$?
	if [ "$rc" -eq 0 ] && [ "$pidfile" = ok ] && ! grep -E '\[(emerg|alert|crit)\]' "$ngx/error.log"; then
		ok "nginx stopped gracefully (SIGQUIT, exit 0, no emerg/alert/crit in its log)"
	else
		bad "nginx stop: exit $rc; pid file: $pidfile"
		grep -E '\[(emerg|alert|crit)\]' "$ngx/error.log" | tail -5 | sed 's/^/    /'
	fi
fi

# ------------------------------------------------------------------------------------------
step "rolling upgrade: two builds behind nginx, the newer one migrating (upgrade.sh)"
port p_up_nginx
port p_up_old
port p_up_next
port p_up_last
if UPGRADE_BUILD_DIR=$(dirname "$bin") bash tests/deploy/upgrade.sh "$p_up_nginx" "$p_up_old" "$p_up_next" "$p_up_last"; then
	ok "upgrade.test.mjs: additive migration under load, no failed request, old replica ready; breaking refused, then --force"
else
	bad "upgrade.test.mjs"
fi

# ------------------------------------------------------------------------------------------
step "backup and restore"
# a document whose bytes must survive the round trip (binary, with a NUL and high bytes),
# stored as the service stores one, beside whatever the HTTP suite left
doc_sql="WITH x AS (INSERT INTO dialogue (title, kind, starts_at, ends_at) VALUES
	('Backup-test', 'dialogmote', now(), now() + interval '1 hour') RETURNING id)
	SELECT d.status FROM x, api.document_create('dialogue', x.id::text, '{\"title\": \"Backup-test\", \"language\": \"sv\",
	\"type\": \"other\", \"filename\": \"backup.png\", \"content_type\": \"image/png\"}',
	'\\x89504e470d0a1a0a0000000d4948445200ff00fe'::bytea, NULL, 'deploy-backup', 'admin', NULL) d"
if [ "$(psql "$DATABASE_URL" -qAt -c "$doc_sql" 2>&1)" = 201 ]; then ok "a document stored for the backup"; else bad "storing a document for the backup"; fi
# count, and the stored SHA-256 of each document checked against its bytes
documents_of() {
	psql "$1" -qAt -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(sha256, ',' ORDER BY id), ''))
		|| ' ' || bool_and(sha256 = encode(sha256(content), 'hex')) FROM document"
}
bdir=$scratch/backups
mkdir -p "$bdir"
# older backups, for the rotation (names sort by time)
for d in 20200101 20200102 20200103 20200104; do printf 'old' >"$bdir/idekom-${d}T030000Z.dump"; done
printf 'not-the-password' >"$scratch/pgpass" # trust authentication here: read, then ignored
backup_started=$(date -u +%s)
backup_out=$(BACKUP_DIR=$bdir BACKUP_KEEP=3 PGPASSWORD_FILE=$scratch/pgpass deploy/backup.sh 2>"$scratch/backup.err")
rc=$?
dump=$(tail -1 <<<"$backup_out")
if [ "$rc" -eq 0 ] && [ -f "$dump" ] && pg_restore --list "$dump" >/dev/null 2>&1; then
	ok "backup.sh wrote $(basename "$dump") ($(stat -c %s "$dump") bytes, custom format)"
else
	bad "backup.sh (exit $rc)"
	sed 's/^/    /' "$scratch/backup.err"
fi
mapfile -t kept < <(find "$bdir" -maxdepth 1 -name '*.dump' -printf '%f\n' | sort)
if [ "${#kept[@]}" -eq 3 ] && [ "${kept[0]}" = idekom-20200103T030000Z.dump ] && [ "${kept[2]}" = "$(basename "$dump")" ] &&
	[ "$(stat -c %a "$dump")" = 600 ] && ! ls "$bdir"/*.partial >/dev/null 2>&1; then
	ok "rotation kept the newest 3 (BACKUP_KEEP), the new file is mode 600, no .partial left"
else
	bad "rotation: kept ${kept[*]} (mode $(stat -c %a "$dump" 2>/dev/null))"
fi
# the monitoring file: valid exposition, the newest backup's size, written after it started
prom=$bdir/idekom.prom
if [ -f "$prom" ] && [ "$(stat -c %a "$prom")" = 644 ] && promtool check metrics <"$prom" >/dev/null 2>&1 &&
	[ "$(awk '$1 == "idekom_backup_last_size_bytes" {print $2}' "$prom")" = "$(stat -c %s "$dump" 2>/dev/null)" ] &&
	[ "$(awk '$1 == "idekom_backup_last_success_timestamp_seconds" {print $2}' "$prom")" -ge "$backup_started" ]; then
	ok "backup.sh wrote idekom.prom (promtool check metrics passes; size and time of the new backup)"
else
	bad "idekom.prom after the backup"
	sed 's/^/    /' "$prom" 2>/dev/null
fi
# a second backup while the lock is held must refuse
flock "$bdir/.backup.lock" sleep 3 &
lock_pid=$!
sleep 0.3
if ! BACKUP_DIR=$bdir deploy/backup.sh >/dev/null 2>"$scratch/backup-locked.err" && grep -q 'another backup is running' "$scratch/backup-locked.err"; then
	ok "backup.sh refuses to run beside another backup (lock)"
else
	bad "backup.sh ran beside another"
fi
wait "$lock_pid"

# The backup leaves the host encrypted, as README.md says ("Encrypting a backup that leaves
# the host"): the key pair is made where backups are restored, the server holds only the
# recipient. What is restored below is the dump after encryption and decryption.
plain_dump=$dump
if [ -f "$dump" ]; then
	keydir=$scratch/age
	mkdir -m 700 -p "$keydir"
	age-keygen -o "$keydir/idekom-backup.key" 2>/dev/null
	age-keygen -y "$keydir/idekom-backup.key" >"$bdir/backup-recipients.txt"
	age-keygen -o "$keydir/someone-else.key" 2>/dev/null
	age -R "$bdir/backup-recipients.txt" -o "$dump.age" "$dump"
	decrypted=$scratch/decrypted.dump
	if [ -s "$dump.age" ] && ! head -c 5 "$dump.age" | grep -q PGDMP && ! cmp -s "$dump" "$dump.age" &&
		age -d -i "$keydir/idekom-backup.key" -o "$decrypted" "$dump.age" && cmp -s "$dump" "$decrypted" &&
		! age -d -i "$keydir/someone-else.key" -o "$scratch/wrong.dump" "$dump.age" 2>/dev/null; then
		ok "age: the encrypted backup is not readable as a dump, decrypts with the key to the same bytes, and not with another key"
		dump=$decrypted
	else
		bad "encrypting the backup with age and decrypting it"
	fi
fi

if [ -n "$admin_url" ] && [ -f "$dump" ]; then
	restore_db=idekom_restore_$$
	owner=$(psql "$DATABASE_URL" -qAt -c 'SELECT current_user')
	target=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' "$DATABASE_URL" "$restore_db")
	psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$restore_db\" WITH (FORCE)" -c "CREATE DATABASE \"$restore_db\" OWNER \"$owner\"" >/dev/null
	if DATABASE_URL=$target deploy/restore.sh "$dump" >"$scratch/restore.log" 2>&1; then
		ok "restore.sh into the new, empty database $restore_db"
	else
		bad "restore.sh"
		tail -20 "$scratch/restore.log" | sed 's/^/    /'
	fi
	# every table: row count and md5 of its rows in a fixed order
	fingerprint() {
		psql "$1" -qAt -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN CREATE TEMP TABLE fp (tbl text, n bigint, md5 text); END $$;
DO $$
DECLARE t record; n bigint; h text;
BEGIN
	-- not the temporary table fp itself: its schema (pg_temp_N) depends on the backend's slot
	FOR t IN SELECT schemaname, tablename FROM pg_tables
	          WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
	            AND schemaname NOT LIKE 'pg\_temp\_%' ORDER BY 1, 2 LOOP
		EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text COLLATE "C"), '''')) FROM %I.%I r',
		               t.schemaname, t.tablename) INTO n, h;
		INSERT INTO fp VALUES (t.schemaname || '.' || t.tablename, n, h);
	END LOOP;
END $$;
SELECT tbl || ' ' || n || ' ' || md5 FROM fp ORDER BY tbl;
SELECT 'sequence ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'unused')
  FROM pg_sequences ORDER BY 1;
SQL
	}
	fingerprint "$DATABASE_URL" >"$scratch/source.fp" 2>&1
	fingerprint "$target" >"$scratch/restored.fp" 2>&1
	tables=$(grep -vc '^sequence ' "$scratch/source.fp")
	rows=$(awk '!/^sequence /{s += $2} END {print s}' "$scratch/source.fp")
	odd=$(grep -Evc '^(sequence [^ ]+ [0-9a-z]+|[^ ]+ [0-9]+ [0-9a-f]{32})$' "$scratch/source.fp")
	if [ "$tables" -gt 0 ] && [ "$odd" -eq 0 ] && diff -u "$scratch/source.fp" "$scratch/restored.fp" >"$scratch/fp.diff"; then
		ok "restored = source: $tables tables ($rows rows), each row count and md5 of its ordered rows, and every sequence"
	else
		bad "restored database differs from the source (or the fingerprint query failed)"
		grep -Ev '^(sequence [^ ]+ [0-9a-z]+|[^ ]+ [0-9]+ [0-9a-f]{32})$' "$scratch/source.fp" | head -5 | sed 's/^/    /'
		head -40 "$scratch/fp.diff" | sed 's/^/    /'
	fi
	docs_source=$(documents_of "$DATABASE_URL" 2>&1)
	docs_restored=$(documents_of "$target" 2>&1)
	if [[ $docs_source =~ ^[1-9][0-9]*\ [0-9a-f]{32}\ true$ ]] && [ "$docs_source" = "$docs_restored" ]; then
		ok "documents restored whole: ${docs_source%% *}, each SHA-256 matching its bytes"
	else
		bad "documents after restore: source '$docs_source', restored '$docs_restored'"
	fi
	# the schema, as catalog facts (names, types, defaults, keys, function bodies): pg_dump's
	# text is not stable across a restore (PostgreSQL re-deparses CHECK expressions)
	schema_of() {
		psql "$1" -qAt -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
       is_nullable || ' ' || coalesce(column_default, '-')
  FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || contype::text
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SELECT 'index ' || schemaname || '.' || indexname || ' ' || indexdef FROM pg_indexes
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1;
SELECT 'view ' || schemaname || '.' || viewname FROM pg_views
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SELECT 'type ' || n.nspname || '.' || t.typname || ' ' || t.typtype::text || ' ' ||
       coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
   AND t.typtype IN ('e', 'd', 'c') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
 ORDER BY 1;
SELECT 'extension ' || extname FROM pg_extension ORDER BY 1;
SQL
	}
	schema_of "$DATABASE_URL" >"$scratch/source.schema" 2>&1
	schema_of "$target" >"$scratch/restored.schema" 2>&1
	if grep -q '^extension plpgsql$' "$scratch/source.schema" && grep -q '^index ' "$scratch/source.schema" &&
		diff "$scratch/source.schema" "$scratch/restored.schema" >"$scratch/schema.diff"; then
		ok "restored schema = source schema ($(grep -c '^column ' "$scratch/source.schema") columns, $(grep -c '^constraint ' "$scratch/source.schema") constraints, $(grep -c '^index ' "$scratch/source.schema") indexes, $(grep -c '^function ' "$scratch/source.schema") functions, triggers, views, types)"
	else
		bad "schemas differ (or the catalog query failed)"
		grep -v '^column ' "$scratch/source.schema" | grep -i error | sed 's/^/    /'
		head -30 "$scratch/schema.diff" | sed 's/^/    /'
	fi
	# the service accepts the restored database as current
	port p_r
	DATABASE_URL=$target PORT=$p_r BIND_ADDRESS=127.0.0.1 "$bin" serve >"$scratch/serve-restored.log" 2>&1 &
	rp=$!
	started+=("$rp")
	if wait_http "http://127.0.0.1:$p_r/readyz" 100 &&
		[ "$(curl -fs -X POST "http://127.0.0.1:$p_r/api/v1/auth/login" -H 'content-type: application/json' \
			-H "x-forwarded-for: 192.0.2.$((RANDOM % 250 + 1))" \
			-d "$(node -e 'console.log(JSON.stringify({email: process.env.IDEKOM_ADMIN_EMAIL, password: process.env.IDEKOM_ADMIN_PASSWORD}))')" \
			-o /dev/null -w '%{http_code}')" = 200 ]; then
		ok "idekom serve on the restored database: ready, and the admin logs in"
	else
		bad "idekom serve on the restored database"
		tail -5 "$scratch/serve-restored.log" | sed 's/^/    /'
	fi
	kill -TERM "$rp"
	wait "$rp" 2>/dev/null
	if ! DATABASE_URL=$target deploy/restore.sh "$dump" >"$scratch/restore-again.log" 2>&1 && grep -q 'is not empty' "$scratch/restore-again.log"; then
		ok "restore.sh refuses a database that is not empty"
	else
		bad "restore.sh into a non-empty database"
		tail -5 "$scratch/restore-again.log" | sed 's/^/    /'
	fi
	psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$restore_db\" WITH (FORCE)" >/dev/null && restore_db=''
else
	bad "restore: no superuser URL (DEPLOY_PG_ADMIN_URL) or no dump"
fi

# ------------------------------------------------------------------------------------------
step "monitoring (deploy/prometheus)"
quiet "promtool check config deploy/prometheus/prometheus.yml" promtool check config deploy/prometheus/prometheus.yml
quiet "promtool check rules deploy/prometheus/alerts.yml" promtool check rules deploy/prometheus/alerts.yml
quiet "promtool test rules: each alert fires on its trouble and not on a healthy service" \
	bash -c 'cd deploy/prometheus && promtool test rules alerts.test.yml'
# every metric the rules use is one the service, the blackbox exporter or backup.sh exposes
metric_names=$(grep -ohE '\b(idekom_[a-z_]+|probe_success|up)\b' deploy/prometheus/alerts.yml | sed -E 's/_(bucket|sum|count)$//' | sort -u)
unknown=''
for m in $metric_names; do
	case "$m" in
	probe_success | up) continue ;;
	idekom_backup_*) grep -q "$m" deploy/backup.sh || unknown+=" $m" ;;
	*) grep -rq "\"$m\|$m " service/src/http/metrics.c || unknown+=" $m" ;;
	esac
done
if [ -z "$unknown" ]; then ok "every metric in the alert rules exists ($(echo $metric_names | wc -w) names)"; else bad "alert rules use unknown metrics:$unknown"; fi

echo
echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
