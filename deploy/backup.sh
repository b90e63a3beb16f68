#!/usr/bin/env bash
# backup.sh -- one backup of the Idékom database: pg_dump in custom format into BACKUP_DIR,
# checked with pg_restore --list, then only the newest BACKUP_KEEP backups are kept.
#
# Usage: deploy/backup.sh            (prints the new file's path on stdout)
#
# Connection, from the environment (nothing on the command line, so no password in `ps`):
#   DATABASE_URL                    a libpq URL or conninfo; or else the usual libpq variables
#   PGHOST PGPORT PGUSER PGDATABASE (the compose `backup` job sets these)
#   PGPASSWORD, or PGPASSWORD_FILE / POSTGRES_PASSWORD_FILE (a Docker secret file)
# Settings:
#   BACKUP_DIR   where backups go (default /backups)
#   BACKUP_KEEP  how many to keep, newest first (default 14; at least 1)
#   BACKUP_PREFIX file name prefix (default idekom)
#
# Files are named PREFIX-YYYYMMDDTHHMMSSZ.dump (UTC), written as .partial and renamed only
# when complete and readable, with mode 0600. A lock in BACKUP_DIR keeps two runs apart.
# Restore with deploy/restore.sh. After a good backup it also writes PREFIX.prom in BACKUP_DIR
# (mode 0644, no secrets): the time and size of that backup in Prometheus's text format, for
# node_exporter's textfile collector and the IdekomBackupTooOld alert (deploy/prometheus/).
set -euo pipefail

die() {
	echo "backup: $*" >&2
	exit 1
}

dir=${BACKUP_DIR:-/backups}
keep=${BACKUP_KEEP:-14}
prefix=${BACKUP_PREFIX:-idekom}
if ! [[ $keep =~ ^[0-9]+$ ]] || [ "$keep" -lt 1 ]; then
	die "BACKUP_KEEP must be a whole number >= 1"
fi
[[ $prefix =~ ^[A-Za-z0-9._-]+$ ]] || die "BACKUP_PREFIX may hold only letters, digits, . _ -"

for v in PGPASSWORD_FILE POSTGRES_PASSWORD_FILE; do
	f=${!v:-}
	[ -n "$f" ] || continue
	[ -z "${PGPASSWORD:-}" ] || die "both PGPASSWORD and $v are set; use one"
	[ -r "$f" ] || die "$v: cannot read $f"
	PGPASSWORD=$(<"$f")
	export PGPASSWORD
done

# pg_dump takes a URL or conninfo through -d; without DATABASE_URL it uses PG* variables
conn=()
if [ -n "${DATABASE_URL:-}" ]; then
	conn=(--dbname="$DATABASE_URL")
fi

umask 077
mkdir -p "$dir"
exec 9>"$dir/.backup.lock"
flock -n 9 || die "another backup is running in $dir"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
file=$dir/$prefix-$stamp.dump
[ ! -e "$file" ] || die "$file exists already"
tmp=$file.partial
trap 'rm -f "$tmp"' EXIT

pg_dump "${conn[@]}" --format=custom --compress=6 --no-password --file="$tmp"
# a dump that pg_restore cannot read is not a backup
pg_restore --list "$tmp" >/dev/null || die "pg_restore cannot read the new dump"
mv "$tmp" "$file"
trap - EXIT

# rotation: names sort by time; keep the newest $keep
mapfile -t all < <(find "$dir" -maxdepth 1 -type f -name "$prefix-*.dump" -printf '%f\n' | sort)
n=${#all[@]}
if [ "$n" -gt "$keep" ]; then
	for old in "${all[@]:0:n-keep}"; do
		rm -f -- "${dir:?}/$old"
		echo "backup: removed $old (keeping $keep)" >&2
	done
fi
# for monitoring: when the newest good backup was made, written whole or not at all
prom=$dir/$prefix.prom
{
	echo '# HELP idekom_backup_last_success_timestamp_seconds When the newest good backup finished.'
	echo '# TYPE idekom_backup_last_success_timestamp_seconds gauge'
	echo "idekom_backup_last_success_timestamp_seconds $(date -u +%s)"
	echo '# HELP idekom_backup_last_size_bytes Size of the newest good backup.'
	echo '# TYPE idekom_backup_last_size_bytes gauge'
	echo "idekom_backup_last_size_bytes $(stat -c %s "$file")"
} >"$prom.partial"
chmod 644 "$prom.partial"
mv "$prom.partial" "$prom"
echo "$file"
