#!/usr/bin/env bash
# install-deps.sh -- installs the Debian packages that building, running and testing Idékom
# need. Idempotent: it only calls apt-get when a package is missing, so the README commands,
# .ci/run and the Dockerfile can all call it every time.
#
# Usage: deploy/install-deps.sh SET [SET ...]
#   build    compiler, CMake and the -dev packages
#   service  only the shared libraries the idekom binary needs (the container image)
#   runtime  service, plus PostgreSQL 15's programs for a local cluster (./run.sh)
#   test     everything the test command needs (build, runtime and the test tools)
# ./run.sh installs `build runtime`; tests/run.sh installs `test`.
#
# Some packages ship a system service that Debian enables and starts on installation: nginx
# (port 80), PostgreSQL (a "main" cluster on port 5432), Prometheus (port 9090), D-Bus. We
# only want their programs, so while apt-get runs a policy-rc.d refuses every service start,
# afterwards every service that became enabled is disabled again, and the empty main cluster
# Debian created is dropped. A service the machine had enabled before is left as it was.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libcivetweb-dev libjansson-dev libpq-dev
	libjwt-dev libargon2-dev libssl-dev libcurl4-openssl-dev python3 python3-yaml)
service_pkgs=(libcivetweb1 libjansson4 libpq5 libjwt0 libargon2-1 libcurl4 libssl3 ca-certificates)
runtime_pkgs=("${service_pkgs[@]}" postgresql-15 postgresql-client-15)
# gnumeric: ssconvert reads the spreadsheet CSV as Swedish Excel users would; age encrypts
# backups (README); prometheus brings promtool for the alert rules; valgrind and clang-14 run
# the unit tests under valgrind and the fuzz targets
test_pkgs=(libcriterion-dev postgresql-contrib wrk curl procps bc chromium nginx docker-compose
	gnumeric age prometheus valgrind clang-14 libclang-rt-14-dev)

[ $# -gt 0 ] || set -- test
want=()
for what in "$@"; do
	case "$what" in
	build) want+=("${build_pkgs[@]}") ;;
	service) want+=("${service_pkgs[@]}") ;;
	runtime) want+=("${runtime_pkgs[@]}") ;;
	test)
		want+=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}")
		# Node.js and npm run the linters and the browser tests. Debian's Node 18 is older
		# than they need: tests/run.sh then brings a newer one itself (tests/node.sh).
		command -v node >/dev/null 2>&1 || want+=(nodejs)
		command -v npm >/dev/null 2>&1 || want+=(npm)
		;;
	*) echo "install-deps: unknown set '$what' (build, service, runtime or test)" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	[[ " ${missing[*]} " == *" $p "* ]] && continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root" >&2
	exit 1
fi

# what is enabled at boot now: systemd units linked in *.wants, and SysV start links
enabled_services() {
	{
		ls -1 /etc/systemd/system/*.wants/ 2>/dev/null | grep -E '\.(service|socket|timer|path)$' || true
		ls -1 /etc/rc[2-5].d/ 2>/dev/null | sed -n 's/^S[0-9][0-9]\(.*\)$/\1.sysv/p' || true
	} | sort -u
}
before=$(enabled_services)
had_main_cluster=0
[ -e /etc/postgresql/15/main ] && had_main_cluster=1
guard=/usr/sbin/policy-rc.d
if [ ! -e "$guard" ] && printf '#!/bin/sh\n# written by deploy/install-deps.sh while it installs; removed after\nexit 101\n' >"$guard" 2>/dev/null; then
	chmod 755 "$guard"
	trap 'rm -f "$guard"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -oDPkg::Lock::Timeout=600
apt-get install -y -qq --no-install-recommends -oDPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null

# every service the installation enabled is disabled again (the machine's own are untouched)
for unit in $(comm -13 <(echo "$before") <(enabled_services)); do
	name=${unit%.*}
	if [ "${unit##*.}" != sysv ]; then
		if command -v systemctl >/dev/null 2>&1; then
			systemctl disable --quiet "$unit" 2>/dev/null || true
		else
			deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
		fi
	fi
	update-rc.d "$name" disable >/dev/null 2>&1 || true
done
# the empty cluster postgresql-15's installation made (pg-local.sh makes our own)
if [ "$had_main_cluster" -eq 0 ] && [ -e /etc/postgresql/15/main ]; then
	pg_dropcluster --stop 15 main
fi
