#!/usr/bin/env bash
# tests/run.sh -- the README's test command: every test, from a fresh machine.
#
# 1. installs packages (deploy/install-deps.sh test), a supported Node.js when the system's
#    is too old (tests/node.sh), and the pinned npm tools (npm ci);
# 2. builds twice: release (build/) and AddressSanitizer + UBSan (build-asan/);
# 3. lints the OpenAPI description (and its examples), and type-checks a generated TypeScript
#    client against it (tests/client-ts);
# 4. runs the Criterion unit tests of both builds (ctest), the release build's under valgrind,
#    and each libFuzzer harness of tests/fuzz for 10 s;
# 5. starts a private PostgreSQL (deploy/pg-local.sh .run/pg-test), migrates a fresh database (two migrate
#    processes at once, to exercise the advisory lock), and for each build starts the service
#    and runs the HTTP suite (tests/http, every response validated against the OpenAPI
#    description), then the database-restart test, then SIGTERM (must exit 0);
#    Between migrating and the HTTP suite, tests/consistency checks that the vocabularies and
#    constraint names agree across the migrations, the C code and the OpenAPI description;
# 6. runs the deployment tests (tests/deploy);
# 7. fails when a sanitizer reported anything.
# The last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

passed=0
failed=0
step() { printf '\n== %s\n' "$*"; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }

step "dependencies"
deploy/install-deps.sh test
# shellcheck source=tests/node.sh
. tests/node.sh
npm ci --no-audit --no-fund --loglevel=error >/dev/null

step "build (release and sanitizers)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIDEKOM_SANITIZE=ON >/dev/null
cmake --build build-asan -j2 >/dev/null
ok "both builds compile with -Wall -Wextra -Werror"

step "OpenAPI lint"
if bash tests/lint-openapi.sh; then ok "OpenAPI lint"; else bad "OpenAPI lint"; fi
if bash tests/client-ts/run.sh; then ok "generated TypeScript client type-checks"; else bad "generated TypeScript client (tests/client-ts)"; fi

asan_dir=$root/.run/sanitizers
rm -rf "$asan_dir"
mkdir -p "$asan_dir"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$asan_dir/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$asan_dir/ubsan"

step "unit tests"
for b in build build-asan; do
	if ctest --test-dir "$b" --output-on-failure; then ok "unit tests ($b)"; else bad "unit tests ($b)"; fi
done

step "unit tests under valgrind (reads of uninitialised memory)"
if bash tests/unit/valgrind.sh build; then ok "unit tests under valgrind"; else bad "unit tests under valgrind"; fi

step "fuzzing (libFuzzer, ASan + UBSan, 10 s per harness)"
if bash tests/fuzz/run.sh 10; then ok "fuzz harnesses"; else bad "fuzz harnesses"; fi

step "database"
pg_dir=$root/.run/pg-test
# IDEKOM_PORT_OFFSET moves every port, so two checkouts can run their suites side by side
port_offset=${IDEKOM_PORT_OFFSET:-0}
pg_port=$((55432 + port_offset))
deploy/pg-local.sh "$pg_dir" "$pg_port" start
psql_admin=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -c "DROP DATABASE IF EXISTS idekom_test WITH (FORCE)"
"${psql_admin[@]}" -c "CREATE DATABASE idekom_test OWNER idekom"
export DATABASE_URL=postgresql://idekom@127.0.0.1:$pg_port/idekom_test
# two replicas migrating at once: the advisory lock must make that safe
./build/idekom migrate >"$root/.run/migrate-1.log" &
m1=$!
./build/idekom migrate >"$root/.run/migrate-2.log" &
m2=$!
if wait $m1 && wait $m2 && ./build/idekom migrate >/dev/null; then
	ok "migrate (two at once, then again: nothing to do)"
else
	bad "migrate"
fi

# the vocabularies agree across migrations, C tables and OpenAPI; mapped constraint names exist
if node --test tests/consistency/*.test.mjs >"$root/.run/consistency.log" 2>&1; then
	ok "vocabularies and constraint names agree (migrations, service/src, openapi)"
else
	bad "vocabularies and constraint names (tests/consistency)"
	grep -E '^not ok|error:|differs|maps constraints' "$root/.run/consistency.log" | head -20
fi

export IDEKOM_ADMIN_EMAIL=admin-$RANDOM@idekom.test
export IDEKOM_ADMIN_PASSWORD=admin-password-$RANDOM$RANDOM
IDEKOM_PASSWORD=$IDEKOM_ADMIN_PASSWORD ./build/idekom user add --email "$IDEKOM_ADMIN_EMAIL" \
	--name "Test Admin" --role admin >/dev/null

# The service's settings; the suite reads the same values under IDEKOM_* names.
export JWT_KEYS="k2026:$(head -c 32 /dev/urandom | base64 | tr -d '\n'),k2025:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export JWT_ISSUER=idekom-test JWT_AUDIENCE=idekom-test-api
export CORS_ORIGINS=https://idekom.example,http://localhost:5173
export TRUSTED_PROXIES=127.0.0.1
export THREADS=16 DB_POOL_SIZE=8 LOG_LEVEL=warn
# the suite sends thousands of requests from 127.0.0.1: the API-wide limits are raised here,
# and tests/http/api-ratelimit.test.mjs checks them with low limits on a second process
export RATE_LIMIT_READ=1000000 RATE_LIMIT_WRITE=1000000 RATE_LIMIT_AUTH=1000000
# webhooks go to receivers the tests run on 127.0.0.1; retries come 100 times sooner
export WEBHOOK_ALLOW_PRIVATE=1 WEBHOOK_RETRY_SCALE=100 WEBHOOK_POLL_MS=100
# mails go to the SMTP server (smtp-server) that the mail tests run on this port, in plain
# SMTP on 127.0.0.1; retries come 100 times sooner; links point at the CORS origin
export IDEKOM_SMTP_PORT=$((18170 + port_offset))
export SMTP_URL=smtp://127.0.0.1:$IDEKOM_SMTP_PORT SMTP_TLS=none SMTP_FROM=idekom@idekom.test
export MAIL_RETRY_SCALE=100 MAIL_POLL_MS=100 PUBLIC_BASE_URL=https://idekom.example
# the service also serves the front end, for the browser tests
export STATIC_DIR=$root/web
# the tests write their screenshots under .run/ (ignored by git): a test run leaves the tree as
# it was; the README's pictures come from tests/browser/screenshots.sh and the demo data
export IDEKOM_SCREENSHOT_DIR=${IDEKOM_SCREENSHOT_DIR:-$root/.run/screenshots}
export IDEKOM_JWT_KEYS=$JWT_KEYS IDEKOM_JWT_ISSUER=$JWT_ISSUER IDEKOM_JWT_AUDIENCE=$JWT_AUDIENCE
export IDEKOM_CORS_ORIGIN=https://idekom.example
export IDEKOM_PG_CTL=$root/tests/pg-ctl.sh IDEKOM_PG_DIR=$pg_dir IDEKOM_PG_PORT=$pg_port

run_suite() { # $1: build folder, $2: port
	local b=$1 port=$2 pid rc
	export PORT=$port IDEKOM_BASE_URL=http://127.0.0.1:$port IDEKOM_BIN=$root/$b/idekom
	export IDEKOM_SECOND_PORT=$((port + 1))
	"$root/$b/idekom" serve >"$root/.run/serve-$b.log" 2>&1 &
	pid=$!
	export IDEKOM_SERVICE_PID=$pid
	for _ in $(seq 1 100); do
		curl -fs "$IDEKOM_BASE_URL/readyz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	if node --test --test-concurrency=1 tests/http/*.test.mjs; then
		ok "HTTP suite ($b)"
	else
		bad "HTTP suite ($b)"
	fi
	# the browser tests need only one run: the front end is the same for both builds
	if [ "$b" = build ] && compgen -G "tests/browser/*.test.mjs" >/dev/null; then
		if node --test --test-concurrency=1 tests/browser/*.test.mjs; then
			ok "browser tests ($b)"
		else
			bad "browser tests ($b)"
		fi
	fi
	if node --test tests/http/restart/*.test.mjs; then
		ok "database restart ($b)"
	else
		bad "database restart ($b)"
	fi
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -eq 0 ]; then ok "SIGTERM: drained and exited 0 ($b)"; else bad "SIGTERM: exit $rc ($b)"; fi
}

step "HTTP suite against the release build"
run_suite build $((18180 + port_offset))
step "HTTP suite against the sanitizer build"
run_suite build-asan $((18190 + port_offset))

if [ -x tests/deploy/run.sh ]; then
	step "deployment (compose file, Dockerfile, nginx in front of two processes, backup and restore)"
	if IDEKOM_BIN=$root/build/idekom bash tests/deploy/run.sh; then ok "deployment"; else bad "deployment"; fi
fi

step "sanitizer reports"
if compgen -G "$asan_dir/*" >/dev/null; then
	cat "$asan_dir"/* | head -100
	bad "sanitizers reported problems"
else
	ok "no sanitizer reports"
fi

deploy/pg-local.sh "$pg_dir" "$pg_port" stop
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
