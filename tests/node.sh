#!/usr/bin/env bash
# tests/node.sh -- sourced by tests/run.sh: makes sure `node` is a Node.js the test tools
# support (package.json "engines": >= 20.19; Playwright and the OpenAPI linters refuse older).
# Debian bookworm's own nodejs is 18. When the node on PATH is older (or missing), the npm
# registry's `node` package, pinned below, is installed into .run/node (ignored by git) with
# the npm at hand, and its bin folder is put first on PATH for the rest of the test run.
# Nothing outside the checkout changes.

idekom_node_pin=22.23.3
idekom_node_dir=$PWD/.run/node

node_is_supported() { # true when `node` is >= 20.19
	command -v node >/dev/null 2>&1 &&
		node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}

if ! node_is_supported; then
	if [ ! -x "$idekom_node_dir/node_modules/.bin/node" ] ||
		[ "$("$idekom_node_dir/node_modules/.bin/node" --version)" != "v$idekom_node_pin" ]; then
		echo "node: $(node --version 2>/dev/null || echo none) is too old; installing node@$idekom_node_pin into .run/node"
		rm -rf "$idekom_node_dir"
		mkdir -p "$idekom_node_dir"
		npm install --prefix "$idekom_node_dir" --no-save --no-package-lock --no-audit --no-fund \
			--loglevel=error "node@$idekom_node_pin" >/dev/null
	fi
	export PATH=$idekom_node_dir/node_modules/.bin:$PATH
	hash -r
	node_is_supported || { echo "node: $idekom_node_dir did not give a supported node" >&2; return 1; }
fi
echo "node: $(command -v node) $(node --version)"
