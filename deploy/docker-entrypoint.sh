#!/bin/bash
# docker-entrypoint.sh -- installed in the image as /usr/local/bin/idekom, in front of the
# real binary (/usr/local/lib/idekom/idekom). The image's ENTRYPOINT is `idekom`, and
# `docker compose exec api idekom user add ...` runs this same wrapper, so every command sees
# the same settings.
#
# 1. Secrets as files (Docker secrets): for each NAME in JWT_SECRET, JWT_KEYS, DATABASE_URL,
#    METRICS_TOKEN, SMTP_PASSWORD and PGPASSWORD, NAME_FILE=/run/secrets/x exports NAME with the file's content (one trailing
#    newline removed). POSTGRES_PASSWORD_FILE (the name the postgres image uses) becomes
#    PGPASSWORD, which libpq uses when DATABASE_URL carries no password. Setting both NAME and
#    NAME_FILE is an error, and so is a file that cannot be read or is empty.
# 2. `serve` (also the default command) first runs `idekom migrate` unless
#    MIGRATE_AT_START=0. Migrations take a PostgreSQL advisory lock, so replicas starting
#    together (`docker compose up --scale api=3`) apply each migration once.
# 3. Then it execs the binary, which becomes PID 1 and receives SIGTERM itself (drain, exit 0).
#
# IDEKOM_REAL_BIN overrides the binary's path (tests/deploy runs this script outside a
# container that way).
set -euo pipefail

real=${IDEKOM_REAL_BIN:-/usr/local/lib/idekom/idekom}

die() {
	echo "idekom-entrypoint: $*" >&2
	exit 1
}

# from_file NAME FILE_VARIABLE: exports NAME from the file named by FILE_VARIABLE, if set.
from_file() {
	local name=$1 file_var=$2 path value
	path=${!file_var:-}
	[ -n "$path" ] || return 0
	if [ -n "${!name:-}" ]; then
		die "both $name and $file_var are set; use one"
	fi
	[ -r "$path" ] || die "$file_var: cannot read $path"
	value=$(<"$path") # command substitution drops the trailing newline(s)
	value=${value%$'\r'}
	[ -n "$value" ] || die "$file_var: $path is empty"
	export "$name=$value"
	unset "$file_var"
}

from_file JWT_SECRET JWT_SECRET_FILE
from_file JWT_KEYS JWT_KEYS_FILE
from_file DATABASE_URL DATABASE_URL_FILE
from_file METRICS_TOKEN METRICS_TOKEN_FILE
from_file SMTP_PASSWORD SMTP_PASSWORD_FILE
from_file PGPASSWORD PGPASSWORD_FILE
from_file PGPASSWORD POSTGRES_PASSWORD_FILE

if [ $# -eq 0 ]; then
	set -- serve
fi

if [ "$1" = serve ] && [ "${MIGRATE_AT_START:-1}" != 0 ]; then
	"$real" migrate || die "migrate failed; not starting (set MIGRATE_AT_START=0 to skip)"
fi

exec "$real" "$@"
