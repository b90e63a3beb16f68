#!/usr/bin/env bash
# lint-openapi.sh -- lints openapi/openapi.yaml with Spectral (core OpenAPI rules plus the
# OWASP API Security ruleset, openapi/.spectral.yaml), Redocly (recommended-strict,
# openapi/redocly.yaml), the OpenAPI 3.1 JSON Schema (tests/validate-openapi-structure.mjs)
# and the whole-body examples (tests/openapi/check-examples.mjs).
# Needs the pinned tools: run `npm ci` at the repository root first.
# Exits non-zero when any tool reports an error; prints a one-line summary at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

spec=openapi/openapi.yaml
bin=./node_modules/.bin
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_COLOR=1

for tool in spectral redocly; do
	if [ ! -x "$bin/$tool" ]; then
		echo "lint-openapi: $bin/$tool is missing; run 'npm ci' first" >&2
		exit 2
	fi
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Each tool runs to the end even when an earlier one failed, so one run shows everything.
status=0

echo "== spectral (spectral:oas all + OWASP) =="
# The JSON report gives exact counts; the text report is for people.
"$bin/spectral" lint --ruleset openapi/.spectral.yaml --fail-severity error \
	--format text --format json --output.json "$out/spectral.json" "$spec" || status=1
echo
# shellcheck disable=SC2016 # the $ belongs to a JavaScript template literal
spectral_counts=$(node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const n = (s) => r.filter((x) => x.severity === s).length;
	console.log(`${n(0)} errors, ${n(1)} warnings`);
' "$out/spectral.json")

echo "== redocly (recommended-strict) =="
"$bin/redocly" lint --config openapi/redocly.yaml --format stylish "$spec" \
	>"$out/redocly.txt" 2>&1 || status=1
# Drop Redocly's boxed Node.js deprecation banner; keep its findings.
sed -n '/^validating /,$p' "$out/redocly.txt"
# shellcheck disable=SC2016 # the $ belongs to a JavaScript template literal
redocly_counts=$(node -e '
	const t = require("fs").readFileSync(process.argv[1], "utf8");
	const n = (s) => (t.match(new RegExp(`^\\s+\\d+:\\d+\\s+${s}\\s`, "gm")) || []).length;
	console.log(`${n("error")} errors, ${n("warning")} warnings`);
' "$out/redocly.txt")

echo "== openapi-schema-validator (OpenAPI 3.1 schema + Ajv 2020-12 compile) =="
node tests/validate-openapi-structure.mjs "$spec" | tee "$out/structure.txt" || status=1
structure_counts=$(sed -n 's/^openapi-schema-validator: \([0-9]*\) errors\{0,1\}.*/\1 errors/p' "$out/structure.txt")

echo "== examples (every request body and 2xx body has one, valid against its schema) =="
node tests/openapi/check-examples.mjs "$spec" | tee "$out/examples.txt" || status=1
examples_counts=$(sed -n 's/^openapi-examples: \([0-9]*\) errors\{0,1\}.*/\1 errors/p' "$out/examples.txt")

if [ "$status" -eq 0 ]; then verdict=PASS; else verdict=FAIL; fi
echo "lint-openapi: $verdict -- spectral: $spectral_counts; redocly: $redocly_counts; openapi-schema-validator: ${structure_counts:-? errors}; examples: ${examples_counts:-? errors}"
exit "$status"
