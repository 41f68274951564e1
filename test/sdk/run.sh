#!/usr/bin/env bash
# Builds the gateway, starts `esign-gateway demo` on two free ports, and
# runs the official-SDK conformance script (run.js) against it. Exit code is
# node's. Run from anywhere: bash test/sdk/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/demo.sh
. "$root/test/lib/demo.sh"
start_demo sdk

if [ ! -d "$here/node_modules" ]; then
	echo "sdk: installing node modules (npm ci)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi

status=0
(cd "$here" && GATEWAY="127.0.0.1:$p1" ESIGN="http://127.0.0.1:$p2" node run.js) || status=$?

if [ "$status" -ne 0 ]; then
	echo "sdk: failed (exit $status); last 50 lines of the demo log:"
	tail -n 50 "$log" || true
fi
exit "$status"
