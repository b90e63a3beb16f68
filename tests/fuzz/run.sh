#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS -- builds the libFuzzer harnesses of tests/fuzz with Debian's
# clang (AddressSanitizer + UBSan, build-fuzz/) and runs each for SECONDS seconds, starting
# from the seed corpus kept in tests/fuzz/corpus/<harness>/ (read only: what a run finds is
# kept under .run/fuzz/, which git ignores). A crash, leak, sanitizer report or timeout fails
# the run; the input that did it is left in .run/fuzz/artifacts/ and named in the output.
#
#   fuzz_json_body    the JSON body reader (strict UTF-8, duplicates, depth)
#   fuzz_form         query and form decoding
#   fuzz_route        route matching and the Allow list
#   fuzz_jwt          JWT parsing and verification
#   fuzz_orgnr        organisation numbers
#   fuzz_webhook_url  webhook URL checks and the address rules
#   fuzz_cursor       list cursors (base64url of [order, key, id]) and their key checks
#   fuzz_client_basic client_secret_basic: base64, the colon split, %-decoding
#   fuzz_document_sniff  an uploaded document's bytes against the accepted types (hostile zips)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:?usage: tests/fuzz/run.sh SECONDS}
cc=${FUZZ_CC:-$(command -v clang-14 || command -v clang)}

cmake -S . -B build-fuzz -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DIDEKOM_TESTS=OFF -DIDEKOM_FUZZ=ON >/dev/null
cmake --build build-fuzz -j2 >/dev/null

work=$root/.run/fuzz
mkdir -p "$work/artifacts"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=stderr
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for seeds in tests/fuzz/corpus/*/; do
	name=$(basename "$seeds")
	[ -x "build-fuzz/$name" ] || { echo "fuzz: no harness for $seeds"; status=1; continue; }
	mkdir -p "$work/corpus/$name"
	# -jobs=1: one core; -timeout: one input may take 10 s; -rss_limit_mb: 2 GiB
	if "build-fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/artifacts/$name-" -print_final_stats=1 \
		"$work/corpus/$name" "$seeds" >"$work/$name.log" 2>&1; then
		echo "fuzz: $name ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') runs in ${seconds} s)"
	else
		echo "fuzz: $name FAILED"
		grep -E 'ERROR|SUMMARY|artifact|Test unit written' "$work/$name.log" | head -20
		status=1
	fi
done
exit $status
