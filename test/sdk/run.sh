#!/usr/bin/env bash
# Builds the gateway, starts `esign-gateway demo` on two free ports, and
# runs the official-SDK conformance script (run.js) against it. Exit code is
# node's. Run from anywhere: bash test/sdk/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
log="$tmp/demo.log"
pid=""

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "sdk: building the gateway"
(cd "$root" && go build -o "$tmp/esign-gateway" .)

# Two distinct free ports, chosen by the kernel.
read -r p1 p2 < <(node -e '
const net = require("net");
const free = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
(async () => { const a = await free(); let b = await free(); while (b === a) b = await free(); console.log(a, b); })();
')

echo "sdk: starting demo on 127.0.0.1:$p1 (e签宝 emulator on 127.0.0.1:$p2)"
"$tmp/esign-gateway" demo --addr "127.0.0.1:$p1" --esign-addr "127.0.0.1:$p2" >"$log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 150); do
	if curl -sf "http://127.0.0.1:$p1/readyz" >/dev/null 2>&1; then
		ready=1
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		break
	fi
	sleep 0.2
done
if [ -z "$ready" ]; then
	echo "sdk: demo did not become ready within 30s; last 50 lines of its log:"
	tail -n 50 "$log" || true
	exit 1
fi

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
