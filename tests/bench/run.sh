#!/usr/bin/env bash
# tests/bench/run.sh -- measures the service against the same work done by PostgreSQL alone
# (pgbench, plain SQL on the same tables: the physical limit) and by a small Node.js peer
# (tests/bench/peer/: Fastify + pg, what a city might pick instead), in one run.
#
# Workloads, each through wrk -t2 -c64 (10 s timeout) against the service and the peer,
# and pgbench -M prepared -c16 -j2 with plain SQL:
#   GET one organisation with a bearer token (a member), the same anonymously, a walk of the
#   register in pages of 20 following next_cursor, and endorse + withdraw by the secretariat.
# Then the service's own SQL functions through pgbench (where the service's time goes), with
# endorse + withdraw at 1 and at 16 clients (writes that commit in parallel scale), the peak
# resident memory of both servers and their time from start to the first /readyz 200.
# It ends with a markdown table of the figures and the machine (also in .run/bench/results.md).
#
# Everything runs on a private PostgreSQL cluster (.run/pg-bench) and database made here and
# stopped at the end. Timings never decide anything: the script fails only on a broken set-up
# (a server that does not answer as it should, more than 1 % non-2xx answers, pgbench errors).
#
# Usage: bash tests/bench/run.sh [ORGANISATIONS] [SECONDS]       (defaults: 10000, 10)
# Environment: BENCH_WARMUP (s before each measured run, 2), BENCH_READY_RUNS (7),
#   BENCH_PORT (22100: the service; +1 the peer; +2 and +3 for the start-up runs),
#   BENCH_PG_PORT (58433; the cluster keeps the port it was made with: remove .run/pg-bench
#   to change it), SERVICE_THREADS (64), SERVICE_DB_POOL (8).
#
# The change feed. The peer writes its change events itself, with a plain INSERT (as a
# service that knows nothing of the feed's ordering would), and pgbench's plain SQL writes
# none; so while they write, the database's change-feed triggers on organisation and
# endorsement are switched off (and on again for the service), together with the triggers
# that keep the service's derived data (the stored JSON body, and the organisation's new
# version when an endorsement changes; the peer bumps the version itself). Which triggers
# those are is found in the catalogue: user triggers of those tables whose function mentions
# change_emit, change_event, organisation_json or UPDATE organisation.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
n=${1:-10000}
secs=${2:-10}
warmup=${BENCH_WARMUP:-2}
ready_runs=${BENCH_READY_RUNS:-7}
port=${BENCH_PORT:-22100}
peer_port=$((port + 1))
pg_port=${BENCH_PG_PORT:-58433}
pg_dir=$root/.run/pg-bench
work=$root/.run/bench
district=centrum
wrk_threads=2
conns=64
pg_clients=16
pg_jobs=2
nblocks=$((n / 10)) # organisations 10b+1 .. 10b+9 are verified, 10b+10 is pending
if [ "$n" -lt 320 ] || [ $((n % 10)) -ne 0 ]; then
	echo "bench: ORGANISATIONS must be a multiple of 10, at least 320" >&2
	exit 2
fi
mkdir -p "$work"
rm -f "$work"/*

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
say() { printf '\n== %s\n' "$*"; }
broken=() # what went wrong with the set-up; reported at the end, and the exit status

say "packages, build, the peer's dependencies"
deploy/install-deps.sh test
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || {
	echo "bench: the Node.js peer (Fastify 5) needs Node.js 20 or newer" >&2
	exit 1
}
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
(cd tests/bench/peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	deploy/pg-local.sh "$pg_dir" "$pg_port" stop || true
}
trap cleanup EXIT

say "database: $n organisations, users, an adopted agreement"
deploy/pg-local.sh "$pg_dir" "$pg_port" start
psql_admin=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -c "DROP DATABASE IF EXISTS idekom_bench WITH (FORCE)"
"${psql_admin[@]}" -c "CREATE DATABASE idekom_bench OWNER idekom"
export DATABASE_URL=postgresql://idekom@127.0.0.1:$pg_port/idekom_bench
psql_db=(psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1)
./build/idekom migrate >/dev/null

# Organisation i has the id md5('bench-' || i), so pgbench can name one without a lookup;
# every tenth is pending; ten consecutive ones share a district (900 verified per district).
# The rows are written straight into the tables (fast, and the ids known); should the schema
# gain something only the service's functions maintain, the checks before measuring show it.
"${psql_db[@]}" -v n="$n" -v district="$district" <<'SQL'
INSERT INTO organisation (id, org_number, name, kind, areas, districts, description, website,
	email, phone, member_count, status)
SELECT md5('bench-' || i)::uuid,
	'802' || lpad((i / 10000)::text, 3, '0') || '-' || lpad((i % 10000)::text, 4, '0'),
	(ARRAY['Föreningen', 'Stiftelsen', 'Ängens vänner', 'Ölkällarens', 'Åby', 'Idrottsklubben',
		'Kulturföreningen', 'Nätverket', 'Hyresgästföreningen', 'Scoutkåren', 'Zonen',
		'Barnens röst', 'Öppna dörren'])[1 + (i * 7) % 13]
	|| ' ' || (ARRAY['Bergsjön', 'Hisingen', 'Majorna', 'Frölunda', 'Angered', 'Lundby',
		'Gamlestaden', 'Haga', 'Kortedala', 'Tynnered', 'Älvsborg'])[1 + (i / 3) % 11] || ' ' || i,
	(ARRAY['ideell_forening', 'stiftelse', 'trossamfund', 'natverk'])[1 + i % 4],
	ARRAY[(ARRAY['barn_unga', 'aldre', 'integration', 'kultur', 'idrott'])[1 + i % 5]],
	ARRAY[(ARRAY['angered', 'ostra_goteborg', 'orgryte_harlanda', 'centrum', 'majorna_linne',
		'askim_frolunda_hogsbo', 'vastra_goteborg', 'vastra_hisingen', 'lundby',
		'norra_hisingen'])[1 + ((i - 1) / 10) % 10]],
	'En förening i bänkprovet, nummer ' || i || ', som bjuder in till öppna träffar varje vecka.',
	'https://bank' || i || '.example', 'info@bank' || i || '.example',
	'031-' || lpad(i::text, 6, '0'), i % 500,
	CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'verified' END
FROM generate_series(1, :n) i;
INSERT INTO agreement (slug, title, status, version, adopted_at)
VALUES ('bankprov', 'Överenskommelsen i bänkprovet', 'adopted',
	(SELECT coalesce(max(version), 0) + 1 FROM agreement), now());
-- the boundaries of the pages of the district's walk (k = 0: before the first page), for
-- pgbench's keyset pages
CREATE TABLE bench_page AS
SELECT 0 AS k, '' AS name, '00000000-0000-0000-0000-000000000000'::uuid AS id
UNION ALL
SELECT (r / 20)::int, name, id FROM (
	SELECT row_number() OVER (ORDER BY name COLLATE "sv-SE-x-icu", id) AS r, name, id
	FROM organisation WHERE status = 'verified' AND districts @> ARRAY[:'district']) x
WHERE r % 20 = 0;
ALTER TABLE bench_page ADD PRIMARY KEY (k);
ANALYZE organisation, agreement, app_user, bench_page;
SQL
agreement=$("${psql_db[@]}" -c "SELECT id FROM agreement WHERE slug = 'bankprov'")
npages=$("${psql_db[@]}" -c "SELECT count(*) FROM bench_page")
"${psql_db[@]}" -c "SELECT id FROM organisation WHERE status = 'verified' ORDER BY id" >"$work/ids.txt"
password=$(head -c 18 /dev/urandom | base64)
admin=$(IDEKOM_PASSWORD=$password ./build/idekom user add --email bench-admin@idekom.example \
	--name "Bänk Admin" --role admin)
member=$(IDEKOM_PASSWORD=$password ./build/idekom user add --email bench-member@idekom.example \
	--name "Bänk Medlem" --role member)
export JWT_SECRET
JWT_SECRET=$(head -c 36 /dev/urandom | base64)
admin_token=$(node tests/bench/mint-token.mjs "$admin" admin)
member_token=$(node tests/bench/mint-token.mjs "$member" member)

# The database's change-feed triggers (see the head of this file): on or off.
change_triggers() {
	local mode
	mode=$([ "$1" = on ] && echo ENABLE || echo DISABLE)
	"${psql_db[@]}" <<SQL
DO \$\$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT tg.tgname, c.relname FROM pg_trigger tg
		JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid
		WHERE NOT tg.tgisinternal AND c.relname IN ('organisation', 'endorsement')
		  AND p.prosrc ~ 'change_(emit|event)|organisation_json|UPDATE organisation' LOOP
		EXECUTE format('ALTER TABLE %I $mode TRIGGER %I', t.relname, t.tgname);
	END LOOP;
END \$\$;
SQL
}
feed_triggers=$("${psql_db[@]}" -c "SELECT string_agg(c.relname || '.' || tg.tgname, ', ' ORDER BY 1)
	FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid
	WHERE NOT tg.tgisinternal AND c.relname IN ('organisation', 'endorsement')
	  AND p.prosrc ~ 'change_(emit|event)|organisation_json|UPDATE organisation'")
# Waits until no other session runs a statement or holds a transaction open (3 looks in a
# row): a server goes on with the requests in flight after wrk has stopped.
quiesce() {
	local quiet=0 busy
	for _ in $(seq 1 300); do
		busy=$("${psql_db[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')")
		if [ "$busy" = 0 ]; then
			quiet=$((quiet + 1))
			[ $quiet -lt 3 ] || return 0
		else
			quiet=0
		fi
		sleep 0.1
	done
}
# Ends every active endorsement of the bench (between runs: wrk stops with some in flight).
withdraw_all() {
	quiesce
	"${psql_db[@]}" -c "UPDATE endorsement SET status = 'withdrawn', withdrawn_at = clock_timestamp(),
		withdrawal_reason = 'Bänkprovet städar', withdrawn_by = '$admin' WHERE status = 'active'"
}

# ---- pgbench: plain SQL on the same tables (the physical limit) -----------------------------
cat >"$work/plain-get.sql" <<'SQL'
\set b random(0, :nblocks - 1)
\set i :b * 10 + random(1, 9)
SELECT id, org_number, name, kind, umbrella_id, areas, districts, description, website, email,
	phone, member_count, status, status_reason, version, created_at, updated_at
FROM organisation WHERE id = md5('bench-' || :i)::uuid;
SQL
cat >"$work/plain-page.sql" <<SQL
\\set k random(0, :npages - 1)
SELECT id, org_number, name, kind, umbrella_id, areas, districts, description, website, email,
	phone, member_count, status, status_reason, version, created_at, updated_at
FROM organisation o
WHERE o.status = 'verified' AND o.districts @> ARRAY['$district']
  AND (o.name COLLATE "sv-SE-x-icu", o.id) > ((SELECT name FROM bench_page WHERE k = :k) COLLATE "sv-SE-x-icu",
	(SELECT id FROM bench_page WHERE k = :k))
ORDER BY o.name COLLATE "sv-SE-x-icu", o.id LIMIT 21;
SQL
# each client endorses only its own organisations (blocks b with b % clients = client_id), so
# no two meet the "one active endorsement" rule
cat >"$work/plain-endorse.sql" <<'SQL'
\set b random(0, :nblocks / :nclients - 1) * :nclients + :client_id
\set i :b * 10 + random(1, 9)
INSERT INTO endorsement (agreement_id, organisation_id, signatory_name, signatory_title, mandate, endorsed_by)
VALUES (:agreement, md5('bench-' || :i)::uuid, 'Bänk Bänksson', 'Ordförande', 'Styrelsebeslut 2026-01-15', :admin)
RETURNING id AS eid \gset
UPDATE endorsement SET status = 'withdrawn', withdrawn_at = clock_timestamp(),
	withdrawal_reason = 'Bänkprov', withdrawn_by = :admin WHERE id = :eid;
SQL

# ==== THE SERVICE'S OWN SQL: the statements the service sends, through pgbench ================
# Update these when the service's SQL functions change (names, parameters, cursor format).
# The visibility rule as the service's statements write it (ORG_VISIBLE in statements.c).
visible="(o.status = 'verified' OR c.kind IN ('admin', 'client') OR (c.kind = 'member' AND
	EXISTS (SELECT 1 FROM representative r WHERE r.organisation_id = o.id AND r.user_id = c.user_id)))"
# svc-get: one GET with a member's token: the caller and the stored body, one statement
cat >"$work/svc-get.sql" <<SQL
\\set b random(0, :nblocks - 1)
\\set i :b * 10 + random(1, 9)
WITH c AS (SELECT * FROM api.caller('user', :member, NULL))
SELECT c.held, o.version, o.body FROM c LEFT JOIN organisation o
	ON o.id = md5('bench-' || :i)::uuid AND $visible;
SQL
# svc-list: one anonymous page of the district's walk, at a random page, as the service
# builds it for an anonymous district filter (db/org_page.c; the service sends it unnamed,
# planned for its values: here the district is written into the text to the same effect)
cat >"$work/svc-list.sql" <<SQL
\\set k random(0, :npages - 1)
WITH c AS (SELECT * FROM api.caller('anonymous', NULL, NULL))
SELECT c.held, EXISTS (SELECT 1 FROM vocabulary v WHERE v.vocabulary = 'district' AND v.code = '$district'), true, p.body, p.key, p.id
FROM c LEFT JOIN LATERAL (SELECT * FROM (SELECT x.*, row_number() OVER () AS n FROM (
	SELECT o.body, o.name AS key, o.id FROM organisation o
	WHERE o.status = 'verified' AND o.districts @> ARRAY['$district']
	  AND (o.name COLLATE "sv-SE-x-icu", o.id) > (coalesce((SELECT name FROM bench_page WHERE k = :k AND k > 0), '')
		COLLATE "sv-SE-x-icu", coalesce((SELECT id FROM bench_page WHERE k = :k AND k > 0),
		'00000000-0000-0000-0000-000000000000'))
	ORDER BY o.name COLLATE "sv-SE-x-icu", o.id LIMIT 101) x) y WHERE y.n <= 21) p ON true ORDER BY p.n;
SQL
# svc-endorse: one endorse + withdraw pair by the secretariat (own organisations per client),
# each with the caller in the same statement
cat >"$work/svc-endorse.sql" <<'SQL'
\set b random(0, :nblocks / :nclients - 1) * :nclients + :client_id
\set i :b * 10 + random(1, 9)
WITH c AS (SELECT * FROM api.caller('user', :admin, NULL))
SELECT (w.body::json)->>'id' AS eid FROM c LEFT JOIN LATERAL api.endorsement_create(:agreement,
	jsonb_build_object('organisation_id', md5('bench-' || :i)::uuid, 'signatory_name', 'Bänk Bänksson',
		'signatory_title', 'Ordförande', 'mandate', 'Styrelsebeslut 2026-01-15'),
	c.kind, c.user_id, 'bench') w ON true \gset
-- a pair that did not happen (eid NULL, or a refusal) divides by zero: pgbench reports it
WITH c AS (SELECT * FROM api.caller('user', :admin, NULL))
SELECT 1 / (w.status = 200)::int FROM c LEFT JOIN LATERAL api.endorsement_withdraw(:agreement,
	:eid, 'Bänkprov', c.kind, c.user_id, 'bench') w ON true;
SQL
# ==== end of the service's own SQL ============================================================

# ---- servers ---------------------------------------------------------------------------------
# env execs the server, so $! below is the server's own process id
# wrk is one caller from one address: the rate limits are raised so that the bench measures
# the service (the buckets are still taken on every request, so their cost is in the numbers)
service_env=(env THREADS="${SERVICE_THREADS:-64}" DB_POOL_SIZE="${SERVICE_DB_POOL:-8}" LOG_LEVEL=warn
	RATE_LIMIT_READ=100000000 RATE_LIMIT_WRITE=100000000 RATE_LIMIT_WINDOW=1)
peer_env=(env PG_POOL_SIZE=16)

wait_ready() { # $1 port, $2 pid
	for _ in $(seq 1 300); do
		curl -fs -o /dev/null "http://127.0.0.1:$1/readyz" && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench: the server on port $1 did not become ready (log: $work)" >&2
	exit 1
}

say "start to /readyz 200: $ready_runs starts of each server"
ready_service=$("${service_env[@]}" PORT=$((port + 2)) node tests/bench/ready-time.mjs "$ready_runs" \
	"http://127.0.0.1:$((port + 2))/readyz" ./build/idekom serve)
ready_peer=$("${peer_env[@]}" PORT=$((port + 3)) node tests/bench/ready-time.mjs "$ready_runs" \
	"http://127.0.0.1:$((port + 3))/readyz" node tests/bench/peer/server.js)
echo "service: median ${ready_service%% *} ms (runs: ${ready_service#* }); peer: median ${ready_peer%% *} ms (runs: ${ready_peer#* })"

"${service_env[@]}" PORT="$port" ./build/idekom serve >"$work/service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
"${peer_env[@]}" PORT="$peer_port" node tests/bench/peer/server.js >"$work/peer.log" 2>&1 &
peer_pid=$!
pids+=("$peer_pid")
wait_ready "$port" "$service_pid"
wait_ready "$peer_port" "$peer_pid"

# One request of each kind, checked, before anything is measured.
check() { # $1 what, $2 expected status, $3 file with the answer's headers+body, then curl args
	local what=$1 want=$2 out=$3 got
	shift 3
	got=$(curl -s -D "$out.headers" -o "$out" -w '%{http_code}' "$@")
	if [ "$got" != "$want" ]; then
		echo "bench: $what answered $got, not $want:" >&2
		cat "$out" >&2
		echo >&2
		exit 1
	fi
}
sample_org=$(sed -n 2p "$work/ids.txt")
# rows of the change feed and the audit log, to show what one endorse + withdraw writes
feed_and_audit() { "${psql_db[@]}" -c "SELECT (SELECT count(*) FROM change_event) || ' ' || (SELECT count(*) FROM audit)"; }
declare -A writes
for target in "service:$port" "peer:$peer_port"; do
	name=${target%%:*}
	base=http://127.0.0.1:${target#*:}
	check "$name GET with a token" 200 "$work/check-$name-get" -H "Authorization: Bearer $member_token" \
		"$base/api/v1/organisations/$sample_org"
	check "$name GET anonymous" 200 "$work/check-$name-anon" "$base/api/v1/organisations/$sample_org"
	check "$name list page" 200 "$work/check-$name-list" "$base/api/v1/organisations?district=$district&limit=20"
	grep -Eq "\"next_cursor\" *: *\"" "$work/check-$name-list" || {
		echo "bench: $name's first page has no next_cursor" >&2
		exit 1
	}
	if [ "$name" = peer ]; then
		change_triggers off
	fi
	before=$(feed_and_audit)
	check "$name endorse" 201 "$work/check-$name-endorse" -H "Authorization: Bearer $admin_token" \
		-H 'Content-Type: application/json' "$base/api/v1/agreements/$agreement/endorsements" \
		--data "{\"organisation_id\":\"$sample_org\",\"signatory_name\":\"Bänk\",\"mandate\":\"Prov\"}"
	endorsement=$(tr -d '\r' <"$work/check-$name-endorse.headers" | awk -F/ 'tolower($0) ~ /^location:/ {print $NF}')
	check "$name withdraw" 200 "$work/check-$name-withdraw" -H "Authorization: Bearer $admin_token" \
		-H 'Content-Type: application/json' --data '{"reason":"Prov"}' \
		"$base/api/v1/agreements/$agreement/endorsements/$endorsement/withdraw"
	after=$(feed_and_audit)
	writes[$name]="$((${after% *} - ${before% *})) change events, $((${after#* } - ${before#* })) audit rows"
	if [ "$name" = peer ]; then
		change_triggers on
	fi
done
echo "every request answers as it should on both servers"
echo "one endorse + withdraw wrote: service ${writes[service]}; peer ${writes[peer]}"
if [ "${writes[service]}" != "${writes[peer]}" ]; then
	echo "note: the peer writes other rows than the service for the same work (see tests/bench/peer/endorsements.js)"
fi

# ---- measuring -------------------------------------------------------------------------------
export IDS_FILE=$work/ids.txt AGREEMENT=$agreement WRK_THREADS=$wrk_threads DISTRICT=$district
run_wrk() { # $1 name, $2 port, rest: wrk arguments
	local name=$1 url=http://127.0.0.1:$2
	shift 2
	if [ "$warmup" -gt 0 ]; then
		wrk -t$wrk_threads -c$conns -d"${warmup}s" "$@" "$url" >/dev/null
		withdraw_all # what the warm-up left active would meet the measured run's endorsements
	fi
	wrk -t$wrk_threads -c$conns -d"${secs}s" --timeout 10s --latency "$@" "$url" >"$work/wrk-$name.txt"
	echo "  wrk $name: $(awk '/Requests\/sec/ {print $2}' "$work/wrk-$name.txt") req/s"
}
run_pgbench() { # $1 name, $2 clients, $3 script
	local name=$1 clients=$2 jobs=$((pg_jobs < $2 ? pg_jobs : $2))
	local args=(-n -M prepared -c "$clients" -j "$jobs" -D nblocks="$nblocks" -D npages="$npages"
		-D nclients="$clients" -D agreement="$agreement" -D admin="$admin" -D member="$member"
		-f "$3" "$DATABASE_URL")
	if [ "$warmup" -gt 0 ] && ! pgbench -T "$warmup" "${args[@]}" >/dev/null 2>&1; then
		: # the measured run below reports the failure
	fi
	if ! pgbench -T "$secs" -l --log-prefix="$work/pgb-$name" "${args[@]}" >"$work/pgbench-$name.txt" 2>&1; then
		broken+=("pgbench $name failed (see $work/pgbench-$name.txt)")
		echo "  pgbench $name: FAILED"
		return 0
	fi
	echo "  pgbench $name: $(awk '/^tps/ {print $3}' "$work/pgbench-$name.txt") tps"
}

say "GET one organisation with a bearer token"
run_wrk svc-get "$port" -s tests/bench/random-id.lua -H "Authorization: Bearer $member_token"
run_pgbench plain-get $pg_clients "$work/plain-get.sql"
run_wrk peer-get "$peer_port" -s tests/bench/random-id.lua -H "Authorization: Bearer $member_token"

say "GET one organisation anonymously"
run_wrk svc-anon "$port" -s tests/bench/random-id.lua
run_wrk peer-anon "$peer_port" -s tests/bench/random-id.lua

say "list pages of 20, walking the cursor"
run_wrk svc-list "$port" -s tests/bench/list-walk.lua
run_pgbench plain-page $pg_clients "$work/plain-page.sql"
run_wrk peer-list "$peer_port" -s tests/bench/list-walk.lua

say "endorse + withdraw (the secretariat)"
run_wrk svc-endorse "$port" -s tests/bench/endorse-withdraw.lua -H "Authorization: Bearer $admin_token"
withdraw_all
change_triggers off
run_pgbench plain-endorse $pg_clients "$work/plain-endorse.sql"
withdraw_all
run_wrk peer-endorse "$peer_port" -s tests/bench/endorse-withdraw.lua -H "Authorization: Bearer $admin_token"
withdraw_all
change_triggers on

say "the service's own SQL through pgbench"
run_pgbench svc-sql-get $pg_clients "$work/svc-get.sql"
run_pgbench svc-sql-list $pg_clients "$work/svc-list.sql"
run_pgbench svc-sql-endorse-1 1 "$work/svc-endorse.sql"
withdraw_all
run_pgbench svc-sql-endorse-16 $pg_clients "$work/svc-endorse.sql"
withdraw_all

peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
service_peak=$(peak_kb "$service_pid")
peer_peak=$(peak_kb "$peer_pid")

# ---- reading the results ---------------------------------------------------------------------
to_ms() { # wrk's 850.00us / 1.23ms / 1.02s -> milliseconds
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0;
		else if (v ~ /m$/) printf "%.0f", v * 60000; else if (v ~ /s$/) printf "%.2f", v * 1000;
		else printf "?" }'
}
wrk_rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk-$1.txt"; }
wrk_ms() { to_ms "$(awk -v p="$2" '$1 == p {print $2}' "$work/wrk-$1.txt")"; }
wrk_total() { awk '/requests in/ {print $1}' "$work/wrk-$1.txt"; }
wrk_bad() { awk '/Non-2xx/ {print $NF}' "$work/wrk-$1.txt"; }
pgb_tps() { awk '/^tps/ {printf "%.0f", $3}' "$work/pgbench-$1.txt" 2>/dev/null; }
pgb_ms() { # percentile $2 (50, 99) of the per-transaction latencies pgbench logged (µs)
	cat "$work/pgb-$1".* 2>/dev/null | awk '{print $3}' | sort -n |
		awk -v p="$2" '{v[NR] = $1} END { if (NR) printf "%.2f", v[int((NR - 1) * p / 100) + 1] / 1000 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
half() { awk -v a="$1" 'BEGIN { printf "%.0f", a / 2 }'; }

for run in svc-get peer-get svc-anon peer-anon svc-list peer-list svc-endorse peer-endorse; do
	total=$(wrk_total $run)
	bad=$(wrk_bad $run)
	bad=${bad:-0}
	if [ -z "$total" ] || [ "$total" -eq 0 ] || [ $((bad * 100)) -gt "$total" ]; then
		broken+=("wrk $run: $bad of ${total:-0} answers were not 2xx (over 1 %): see $work/wrk-$run.txt and the server's log $(grep -h '^Answers by status' "$work/wrk-$run.txt" || true)")
	elif [ "$bad" -gt 0 ]; then
		echo "note: wrk $run: $bad of $total answers were not 2xx $(grep -h '^Answers by status' "$work/wrk-$run.txt" || true)"
	fi
	if grep -q 'Socket errors' "$work/wrk-$run.txt"; then
		echo "note: wrk $run: $(grep 'Socket errors' "$work/wrk-$run.txt" | sed 's/^ *//')"
	fi
done
for run in plain-get plain-page plain-endorse svc-sql-get svc-sql-list svc-sql-endorse-1 svc-sql-endorse-16; do
	if grep -q 'aborted\|failed transactions: [1-9]' "$work/pgbench-$run.txt" 2>/dev/null; then
		broken+=("pgbench $run had errors: see $work/pgbench-$run.txt")
	fi
done

row() { # $1 label, $2 svc run, $3 pgbench run, $4 peer run, $5 "pairs" to halve wrk's req/s
	local s p q
	s=$(wrk_rps "$2")
	q=$(wrk_rps "$4")
	if [ "${5:-}" = pairs ]; then
		s=$(half "$s")
		q=$(half "$q")
	fi
	p=$(pgb_tps "$3")
	printf '| %s | %s | %s / %s | %s | %s / %s | %s | %s / %s | %s | %s |\n' "$1" \
		"$s" "$(wrk_ms "$2" 50%)" "$(wrk_ms "$2" 99%)" \
		"${p:-failed}" "$(pgb_ms "$3" 50)" "$(pgb_ms "$3" 99)" \
		"$q" "$(wrk_ms "$4" 50%)" "$(wrk_ms "$4" 99%)" "$(ratio "$s" "$p")" "$(ratio "$s" "$q")"
}
sql_row() { # $1 label, $2 pgbench run
	printf '| %s | %s | %s / %s |\n' "$1" "$(pgb_tps "$2")" "$(pgb_ms "$2" 50)" "$(pgb_ms "$2" 99)"
}

pg_setting() { "${psql_db[@]}" -c "SHOW $1"; }
{
	echo "### Benchmark ($(date -u +%Y-%m-%d), \`bash tests/bench/run.sh $n $secs\`)"
	echo
	echo "$n organisations (10 % pending); wrk \`-t$wrk_threads -c$conns -d${secs}s\` against the service and the"
	echo "Node.js peer; pgbench \`-M prepared -c$pg_clients -j$pg_jobs -T$secs\` against the same PostgreSQL."
	echo "Latencies in ms. Endorse + withdraw: pairs per second (wrk's req/s ÷ 2; pgbench: one"
	echo "transaction script = one pair), latency per request (wrk) or per pair (pgbench)."
	echo
	echo "| work | service req/s | p50 / p99 | pgbench plain SQL tps | p50 / p99 | Node.js peer req/s | p50 / p99 | service ÷ pgbench | service ÷ peer |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	row "GET one organisation (bearer token)" svc-get plain-get peer-get
	row "GET one organisation (anonymous)" svc-anon plain-get peer-anon
	row "list page of 20, walking the cursor" svc-list plain-page peer-list
	row "endorse + withdraw (admin), pairs/s" svc-endorse plain-endorse peer-endorse pairs
	echo
	echo "pgbench plain SQL: the primary-key SELECT of the row; a keyset page (LIMIT 21) of the"
	echo "district's verified organisations; INSERT endorsement + UPDATE withdraw, each its own commit."
	echo "One endorse + withdraw writes, through the service: ${writes[service]}; through the peer:"
	echo "${writes[peer]}."
	echo
	echo "| the service's own SQL through pgbench | tps | p50 / p99 |"
	echo "| --- | --- | --- |"
	sql_row "GET with a token: principal re-read + organisation read ($pg_clients clients)" svc-sql-get
	sql_row "list page, anonymous ($pg_clients clients)" svc-sql-list
	sql_row "endorse + withdraw pairs, 1 client" svc-sql-endorse-1
	sql_row "endorse + withdraw pairs, $pg_clients clients" svc-sql-endorse-16
	echo "| $pg_clients clients ÷ 1 client | $(ratio "$(pgb_tps svc-sql-endorse-16)" "$(pgb_tps svc-sql-endorse-1)") | |"
	echo
	echo "| memory and start-up | service | Node.js peer |"
	echo "| --- | --- | --- |"
	echo "| peak RSS (VmHWM after the run) | $((service_peak / 1024)) MB | $((peer_peak / 1024)) MB |"
	echo "| start to first /readyz 200, median of $ready_runs | ${ready_service%% *} ms | ${ready_peer%% *} ms |"
	echo
	echo "| machine | |"
	echo "| --- | --- |"
	echo "| CPU | $(nproc) × $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) |"
	echo "| load average when the run began (1, 5, 15 min; the machine may be shared) | $load_at_start |"
	echo "| memory | $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) |"
	echo "| PostgreSQL | $("${psql_db[@]}" -c "SHOW server_version") (synchronous_commit=$(pg_setting synchronous_commit), fsync=$(pg_setting fsync), shared_buffers=$(pg_setting shared_buffers), max_connections=$(pg_setting max_connections)) |"
	echo "| service | THREADS=${SERVICE_THREADS:-64}, DB_POOL_SIZE=${SERVICE_DB_POOL:-8} |"
	echo "| Node.js peer | Node.js $(node --version), Fastify $(node -p "require('./tests/bench/peer/node_modules/fastify/package.json').version"), pg $(node -p "require('./tests/bench/peer/node_modules/pg/package.json').version"), pool of 16 |"
	echo "| change-feed triggers off while the peer and plain SQL wrote | ${feed_triggers:-none found} |"
} >"$work/results.md"

say "results"
cat "$work/results.md"
echo
echo "(raw output in $work)"
if [ ${#broken[@]} -gt 0 ]; then
	echo
	echo "!!!!!!!!!!!!!!!! THE SET-UP IS BROKEN: these figures do not measure the intended work !!!!!!!!!!!!!!!!"
	printf '!! %s\n' "${broken[@]}"
	exit 1
fi
