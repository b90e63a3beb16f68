#!/usr/bin/env bash
# pg-local.sh -- a private PostgreSQL 15 cluster for local runs and tests, kept under the
# project folder (ignored by git). It listens on 127.0.0.1 only, with trust authentication:
# for a developer's machine and CI, never for production (see docker-compose.yml for that).
#
# Usage: deploy/pg-local.sh DIR PORT start|stop|status
#   start  creates the cluster when DIR is empty, starts it, and creates the database
#          "idekom" (owner "idekom"); prints nothing else.
# The server runs as the unprivileged user "postgres" when invoked as root (initdb refuses
# to run as root).
set -euo pipefail

dir=${1:?usage: pg-local.sh DIR PORT start|stop|status}
port=${2:?usage: pg-local.sh DIR PORT start|stop|status}
action=${3:?usage: pg-local.sh DIR PORT start|stop|status}
bin=/usr/lib/postgresql/15/bin

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$action" in
start)
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			echo "pg-local: user postgres cannot write $dir (a parent folder is closed to it)" >&2
			exit 1
		fi
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
*)
	echo "pg-local: unknown action '$action' (start, stop or status)" >&2
	exit 2
	;;
esac
