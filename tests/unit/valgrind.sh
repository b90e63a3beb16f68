#!/usr/bin/env bash
# tests/unit/valgrind.sh BUILD_DIR -- runs every Criterion unit test of the (non-sanitizer)
# build under valgrind's memcheck, which sees what ASan cannot: reads of uninitialised memory.
# Criterion runs each test in a child process, so valgrind follows children and writes one log
# per process; with -q a log holds only reports, and any non-empty log fails the run.
# Skipped: test_password (argon2id with 19 MiB per hash) and test_jwt* (libjwt and OpenSSL
# per token): together more than three minutes under valgrind, and the code they test reads
# only initialised buffers of libraries that the ASan build covers.
set -euo pipefail
build=${1:?usage: tests/unit/valgrind.sh BUILD_DIR}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0
for t in "$build"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case $name in test_password | test_jwt*) continue ;; esac
	valgrind -q --trace-children=yes --track-origins=yes --leak-check=no \
		--log-file="$logs/$name.%p.log" "$t" -j1 >"$logs/$name.out" 2>&1 || {
		echo "valgrind: $name failed its own tests"; tail -5 "$logs/$name.out"; status=1; }
done
for f in "$logs"/*.log; do
	if [ -s "$f" ]; then
		echo "valgrind reported in $(basename "$f"):"
		head -40 "$f"
		status=1
	fi
done
exit $status
