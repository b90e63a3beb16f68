#!/usr/bin/env bash
# tests/bench/run.sh -- measures the service against PostgreSQL doing the same work.
#
# Loads N organisations (default 10000) into a private database, then, for each workload,
# runs wrk against the running service (keep-alive, 64 connections) and pgbench with the same
# SQL at the same concurrency, and prints req/s, p50/p99 and the ratio to pgbench, with the
# service's peak resident memory. Not part of the test command: timings never decide a test.
#
# Usage: bash tests/bench/run.sh [N] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
n=${1:-10000}
secs=${2:-10}
conns=64
port=18300
pg_dir=$root/.run/pg-bench
pg_port=55433
work=$root/.run/bench
mkdir -p "$work"

deploy/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null

deploy/pg-local.sh "$pg_dir" "$pg_port" start
psql_admin=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -c "DROP DATABASE IF EXISTS idekom_bench WITH (FORCE)"
"${psql_admin[@]}" -c "CREATE DATABASE idekom_bench OWNER idekom"
export DATABASE_URL=postgresql://idekom@127.0.0.1:$pg_port/idekom_bench
psql_db=(psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1)
./build/idekom migrate >/dev/null
echo "loading $n organisations"
"${psql_db[@]}" -v n="$n" <<'SQL'
INSERT INTO organisation (name, kind, areas, districts, description, status, org_number)
SELECT 'Bänkföreningen ' || i, (ARRAY['ideell_forening','stiftelse','trossamfund','natverk'])[1 + i % 4],
	ARRAY[(ARRAY['barn_unga','aldre','integration','kultur','idrott'])[1 + i % 5]],
	ARRAY[(ARRAY['angered','ostra_goteborg','orgryte_harlanda','centrum','majorna_linne',
		'askim_frolunda_hogsbo','vastra_goteborg','vastra_hisingen','lundby','norra_hisingen'])[1 + i % 10]],
	'En förening för test nummer ' || i, CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'verified' END, NULL
FROM generate_series(1, :n) i;
CREATE TABLE bench_ids AS SELECT row_number() OVER () AS n, id FROM organisation WHERE status = 'verified';
ALTER TABLE bench_ids ADD PRIMARY KEY (n);
ANALYZE organisation, bench_ids;
SQL
"${psql_db[@]}" -c "SELECT id FROM bench_ids" >"$work/ids.txt"
ids=$(wc -l <"$work/ids.txt")

# wrk is one caller from one address: the limits are raised so that the bench measures the
# service (the buckets are still taken on every request, so their cost is in the numbers)
THREADS=$conns DB_POOL_SIZE=${DB_POOL_SIZE:-8} PORT=$port LOG_LEVEL=warn \
	RATE_LIMIT_READ=100000000 RATE_LIMIT_WINDOW=1 \
	JWT_SECRET=bench-secret-bench-secret-bench-secret ./build/idekom serve >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

peak_rss() { # samples VmRSS of $pid while $1 runs
	local peak=0 cur
	while kill -0 "$1" 2>/dev/null; do
		cur=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
		[ "$cur" -gt "$peak" ] && peak=$cur
		sleep 0.2
	done
	echo "$peak"
}

run_wrk() { # $1 name, rest: wrk args
	local name=$1
	shift
	wrk -t2 -c$conns -d${secs}s --latency "$@" >"$work/wrk-$name.txt" &
	local wpid=$!
	peak_rss $wpid >"$work/rss-$name.txt"
	wait $wpid
}

run_pgbench() { # $1 name, $2 SQL file
	pgbench -n -c $conns -j 2 -T "$secs" -M prepared -f "$2" "$DATABASE_URL" >"$work/pgbench-$1.txt" 2>&1
}

cat >"$work/lookup.sql" <<SQL
\\set n random(1, $ids)
SELECT version, body FROM api.organisation_get((SELECT id FROM bench_ids WHERE n = :n), 'anonymous', NULL);
SQL
cat >"$work/list.sql" <<'SQL'
SELECT api.organisation_list('{"district":"centrum"}'::jsonb, 'anonymous', NULL, 20, NULL);
SQL

curl -fs "http://127.0.0.1:$port/api/v1/organisations/$(head -1 "$work/ids.txt")" >/dev/null
IDS_FILE=$work/ids.txt run_wrk lookup -s tests/bench/random-id.lua "http://127.0.0.1:$port"
run_pgbench lookup "$work/lookup.sql"
run_wrk list "http://127.0.0.1:$port/api/v1/organisations?district=centrum&limit=20"
run_pgbench list "$work/list.sql"

wrk_rps() { awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt"; }
wrk_pct() { awk -v p="$2" '$1 == p {print $2}' "$work/wrk-$1.txt"; }
pg_tps() { awk '/^tps/ {print $3}' "$work/pgbench-$1.txt"; }
pg_lat() { awk '/latency average/ {print $4 " " $5}' "$work/pgbench-$1.txt"; }
non2xx() { awk '/Non-2xx/ {print $4}' "$work/wrk-$1.txt"; }

echo
printf '%-8s %12s %10s %10s %12s %14s %8s %10s %8s\n' workload "service rps" p50 p99 "pgbench tps" "pgbench avg" ratio "peak RSS" non-2xx
for w in lookup list; do
	rps=$(wrk_rps $w)
	tps=$(pg_tps $w)
	printf '%-8s %12s %10s %10s %12.0f %14s %8.2f %9sM %8s\n' "$w" "$rps" "$(wrk_pct $w 50%)" \
		"$(wrk_pct $w 99%)" "$tps" "$(pg_lat $w)" "$(echo "$rps / $tps" | bc -l)" \
		"$(($(cat "$work/rss-$w.txt") / 1024))" "$(non2xx $w || true)"
done
echo "(organisations: $n, connections: $conns, ${secs}s each; raw output in $work)"
