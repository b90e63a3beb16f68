#!/usr/bin/env bash
# pg-local.sh -- a private PostgreSQL 15 cluster for local runs and tests. It listens on
# 127.0.0.1 only, with trust authentication: for a developer's machine and CI, never for
# production (see docker-compose.yml for that).
#
# Usage: deploy/pg-local.sh DIR PORT start|stop|status|where
#   start  creates the cluster when it does not exist, starts it, and creates the database
#          "idekom" (owner "idekom"); prints nothing else.
#   where  prints the folder that holds the cluster's files.
# DIR names the cluster (for example .run/pg in the checkout). A user other than root keeps
# the files in DIR itself. As root the server must run as the unprivileged user "postgres"
# (initdb refuses root), and "postgres" may not be able to reach DIR: a checkout in /root is
# closed to it. So root's clusters live in /var/lib/idekom-pg/<hash of DIR's path>/data,
# one per DIR, with the path written beside it (checkout); nothing in the checkout changes
# owner or mode. Remove that folder to throw the cluster away.
set -euo pipefail

usage='usage: pg-local.sh DIR PORT start|stop|status|where'
name=${1:?$usage}
port=${2:?$usage}
action=${3:?$usage}
bin=/usr/lib/postgresql/15/bin

if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$(dirname "$name")"
	# the path as written (a symlink at the end is not followed), parents resolved
	logical=$(cd "$(dirname "$name")" && pwd -P)/$(basename "$name")
	home=/var/lib/idekom-pg/$(printf '%s' "$logical" | sha256sum | cut -c1-16)
	dir=$home/data
else
	dir=$name
fi

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		# from /: postgres may not enter the folder we were called from (a checkout in /root)
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

case "$action" in
start)
	if [ "$(id -u)" -eq 0 ]; then
		install -d -m 755 /var/lib/idekom-pg "$home"
		printf '%s\n' "$logical" >"$home/checkout"
		install -d -m 700 -o postgres -g postgres "$dir"
	else
		mkdir -p "$dir"
	fi
	if [ ! -f "$dir/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
		cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
shared_buffers = 128MB
fsync = on
log_min_messages = warning
CONF
	fi
	if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 start >/dev/null
	fi
	psql_cmd=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
	if [ -z "$("${psql_cmd[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'idekom'")" ]; then
		"${psql_cmd[@]}" -c "CREATE ROLE idekom LOGIN"
	fi
	if [ -z "$("${psql_cmd[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'idekom'")" ]; then
		"${psql_cmd[@]}" -c "CREATE DATABASE idekom OWNER idekom"
	fi
	;;
stop)
	if [ -f "$dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null
	fi
	;;
status)
	as_owner "$bin/pg_ctl" -D "$dir" status
	;;
where)
	echo "$dir"
	;;
*)
	echo "pg-local: unknown action '$action' (start, stop, status or where)" >&2
	exit 2
	;;
esac
