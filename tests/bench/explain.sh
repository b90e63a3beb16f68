#!/usr/bin/env bash
# tests/bench/explain.sh [N] -- the query plans of the service's read statements at N
# organisations (default 100,000; 90 % verified), as PostgreSQL runs them for real requests:
# auto_explain (analyze, buffers) logs each statement the running service executes, and the
# plan of the sixth identical request (after five, PostgreSQL may switch a prepared
# statement to its generic plan) is written to docs/explain-100k.md. Not part of the test
# command: it shows where the time goes, it decides nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
n=${1:-100000}
pg_dir=$root/.run/pg-explain
pg_port=55434
port=18310
out=$root/docs/explain-100k.md
base=http://127.0.0.1:$port

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
deploy/pg-local.sh "$pg_dir" "$pg_port" start
psql_admin=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -c "DROP DATABASE IF EXISTS idekom_explain WITH (FORCE)"
"${psql_admin[@]}" -c "CREATE DATABASE idekom_explain OWNER idekom"
export DATABASE_URL=postgresql://idekom@127.0.0.1:$pg_port/idekom_explain
./build/idekom migrate >/dev/null
echo "loading $n organisations"
psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -v n="$n" <<'SQL'
INSERT INTO organisation (name, kind, areas, districts, description, status)
SELECT 'Förening ' || i, (ARRAY['ideell_forening','stiftelse','trossamfund','natverk'])[1 + i % 4],
	ARRAY[(ARRAY['barn_unga','aldre','integration','kultur','idrott'])[1 + i % 5]],
	ARRAY[(ARRAY['angered','ostra_goteborg','orgryte_harlanda','centrum','majorna_linne',
		'askim_frolunda_hogsbo','vastra_goteborg','vastra_hisingen','lundby','norra_hisingen'])[1 + i % 10]],
	'En förening för test nummer ' || i, CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'verified' END
FROM generate_series(1, :n) i;
VACUUM ANALYZE organisation;
SQL
"${psql_admin[@]}" -d idekom_explain <<'SQL'
ALTER DATABASE idekom_explain SET session_preload_libraries = 'auto_explain';
ALTER DATABASE idekom_explain SET auto_explain.log_min_duration = 0;
ALTER DATABASE idekom_explain SET auto_explain.log_analyze = on;
ALTER DATABASE idekom_explain SET auto_explain.log_buffers = on;
ALTER DATABASE idekom_explain SET auto_explain.log_timing = on;
ALTER DATABASE idekom_explain SET auto_explain.log_level = warning;
SQL
id=$(psql "$DATABASE_URL" -qAt -c "SELECT id FROM organisation WHERE status = 'verified' ORDER BY id LIMIT 1 OFFSET 4321")

THREADS=4 DB_POOL_SIZE=1 PORT=$port LOG_LEVEL=warn CHANGE_SEQUENCER_MS=1000 WEBHOOK_WORKER=0 \
	JWT_SECRET=explain-secret-explain-secret-explain ./build/idekom serve >"$root/.run/explain-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; deploy/pg-local.sh "$pg_dir" "$pg_port" stop' EXIT
for _ in $(seq 1 50); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.1; done

# The service's libpq prints each plan (a WARNING notice) on its stderr as it arrives.
log=$root/.run/explain-serve.log
# plan TITLE PATH: requests PATH six times; appends the plan of the sixth one's statement
plan() {
	local title=$1 path=$2 from
	for _ in 1 2 3 4 5; do curl -fsS -o /dev/null "$base$path"; done
	from=$(wc -l <"$log")
	curl -fsS -o /dev/null "$base$path"
	{
		printf '\n## %s\n```\n' "$title"
		tail -n +"$((from + 1))" "$log" | python3 -c '
import sys
plans, cur = [], None
for line in sys.stdin.read().split("\n"):
    if line.endswith("plan:"):
        cur = []
        plans.append(cur)
    elif line.startswith("WARNING:") or line.startswith("{"):
        cur = None
    elif cur is not None:
        cur.append(line)
mine = [p for p in plans if p and "WITH c AS" in p[0]]
print("\n".join(mine[-1]).rstrip("\n") if mine else "(no plan was logged)")'
		printf '```\n'
	} >>"$out"
}

cursor_after() { # the next_cursor after walking $2 pages of $1
	local path=$1 pages=$2 cur=""
	for _ in $(seq 1 "$pages"); do
		cur=$(curl -fsS "$base$path${cur:+&cursor=$cur}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).next_cursor||""))')
	done
	echo "$cur"
}

cat >"$out" <<EOT
# EXPLAIN at $(printf "%'d" "$n") organisations

The plans of the service's own statements for real requests, at $n organisations (90 %
verified), PostgreSQL 15, logged by auto_explain (analyze, buffers) on the sixth identical
request. Made by \`bash tests/bench/explain.sh\` on $(date -u +%Y-%m-%d). Each read is one
statement: the caller (\`api.caller\`, an empty scan for anonymous requests) and the stored
bodies, found through one index.
EOT
plan "GET /api/v1/organisations/{id} (anonymous)" "/api/v1/organisations/$id"
plan "GET /api/v1/organisations?district=centrum (first page, sort=name)" "/api/v1/organisations?district=centrum&limit=20"
deep=$(cursor_after "/api/v1/organisations?district=centrum&limit=20" 200)
plan "GET /api/v1/organisations?district=centrum, page 201 (keyset: the cursor is an index condition)" "/api/v1/organisations?district=centrum&limit=20&cursor=$deep"
plan "GET /api/v1/organisations?kind=stiftelse&sort=-created_at" "/api/v1/organisations?kind=stiftelse&sort=-created_at&limit=20"
plan "GET /api/v1/organisations?q=förening 1a (ranked search)" "/api/v1/organisations?q=f%C3%B6rening%201a&limit=20"
echo "wrote $out"
