#!/usr/bin/env bash
# install-deps.sh -- installs every Debian package that building, running and testing
# Idékom need. Idempotent: it only calls apt-get when a package is missing, so the README
# commands, .ci/run and the Dockerfile can all call it every time.
#
# Usage: deploy/install-deps.sh [build|service|runtime|test|all]   (default: all)
#   build    compiler, CMake and the -dev packages
#   service  only the shared libraries the idekom binary needs (the container image)
#   runtime  service, plus a local PostgreSQL 15 for ./run.sh
#   test     everything the test command needs
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libcivetweb-dev libjansson-dev libpq-dev
	libjwt-dev libargon2-dev libssl-dev libcurl4-openssl-dev python3 python3-yaml)
service_pkgs=(libcivetweb1 libjansson4 libpq5 libjwt0 libargon2-1 libcurl4 libssl3 ca-certificates)
runtime_pkgs=("${service_pkgs[@]}" postgresql-15 postgresql-client-15)
test_pkgs=(libcriterion-dev postgresql-contrib wrk curl procps bc chromium nginx docker-compose
	valgrind clang-14 libclang-rt-14-dev)

what=${1:-all}
case "$what" in
build) want=("${build_pkgs[@]}") ;;
service) want=("${service_pkgs[@]}") ;;
runtime) want=("${runtime_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}") ;;
*) echo "install-deps: unknown set '$what' (build, service, runtime, test or all)" >&2; exit 2 ;;
esac

# Node.js and npm run the OpenAPI linters and the browser tests; the machine image may
# already carry a newer Node than Debian's, and then we leave it alone.
if [ "$what" = test ] || [ "$what" = all ]; then
	command -v node >/dev/null 2>&1 || want+=(nodejs)
	command -v npm >/dev/null 2>&1 || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages (${missing[*]}); run as root" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
