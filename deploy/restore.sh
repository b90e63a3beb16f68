#!/usr/bin/env bash
# restore.sh -- restores a deploy/backup.sh dump into an EMPTY database.
#
# Usage: deploy/restore.sh FILE.dump
#
# The target database comes from the environment, as for backup.sh: DATABASE_URL, or the libpq
# variables PGHOST PGPORT PGUSER PGDATABASE, with PGPASSWORD or PGPASSWORD_FILE /
# POSTGRES_PASSWORD_FILE. The database must exist and hold no tables, views, sequences,
# functions or types of its own (create it with `createdb`, or use the one the postgres
# image creates on a fresh volume); restore.sh refuses anything else, so it can never mix a
# backup into live data.
#
# The restore runs in one transaction (all or nothing). Objects are owned by the user that
# restores (--no-owner) and grants are not copied (--no-privileges): the service needs no
# other role. At the end it prints each table's row count.
set -euo pipefail

die() {
	echo "restore: $*" >&2
	exit 1
}

file=${1:-}
if [ -z "$file" ] || [ $# -ne 1 ]; then
	die "usage: restore.sh FILE.dump (target database from DATABASE_URL or PG* variables)"
fi
[ -r "$file" ] || die "cannot read $file"

for v in PGPASSWORD_FILE POSTGRES_PASSWORD_FILE; do
	f=${!v:-}
	[ -n "$f" ] || continue
	[ -z "${PGPASSWORD:-}" ] || die "both PGPASSWORD and $v are set; use one"
	[ -r "$f" ] || die "$v: cannot read $f"
	PGPASSWORD=$(<"$f")
	export PGPASSWORD
done

conn=()
if [ -n "${DATABASE_URL:-}" ]; then
	conn=(--dbname="$DATABASE_URL")
fi
psql_q() {
	psql "${conn[@]}" --no-password -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

pg_restore --list "$file" >/dev/null || die "$file is not a pg_dump custom-format archive"

target=$(psql_q -c "SELECT current_database()")
# anything of our own in the database: relations, functions, types (not extensions' members)
existing=$(psql_q -c "
	SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
	           AND n.nspname NOT LIKE 'pg_toast%'
	           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
	                            AND d.objid = c.oid AND d.deptype = 'e'))
	     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
	           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
	                            AND d.objid = p.oid AND d.deptype = 'e'))")
[ "$existing" -eq 0 ] || die "database \"$target\" is not empty ($existing objects); restore only into a new, empty database"

echo "restore: $file -> database \"$target\"" >&2
# without --dbname pg_restore would print SQL instead of restoring: always name the target
pg_restore --no-password --single-transaction --exit-on-error --no-owner --no-privileges \
	--dbname="${DATABASE_URL:-$target}" "$file"

# exact row counts, one count(*) per table
while read -r tbl; do
	[ -n "$tbl" ] || continue
	echo "restore: $tbl $(psql_q -c "SELECT count(*) FROM $tbl") rows" >&2
done < <(psql_q -c "
	SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
	 WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")
echo "restore: done" >&2
