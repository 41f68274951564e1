# Sourced by the test suites that need a running demo (test/sdk, test/browser).
# start_demo NAME builds the gateway, starts `esign-gateway demo` and waits
# until it says it is ready. It sets tmp, log, pid, p1 (gateway) and p2
# (e签宝 emulator), and installs a trap that stops the demo and removes tmp.
# demo_fail MSG prints MSG and the demo log's tail, then exits 1.
#
# Ports: the emulator binds port 0 and the demo reports its address. The
# gateway must know its own port before it starts (it is in its public
# URL), so a free port is picked here; if another process binds it first
# the demo exits with "address already in use" and start_demo tries again
# on another port. Readiness is the demo's own "ready" line, never a probe
# of the port, which could reach whoever else holds it.

tmp="$(mktemp -d)"
log="$tmp/demo.log"
pid=""

demo_cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap demo_cleanup EXIT INT TERM

demo_fail() {
	echo "$demo_name: $*"
	echo "$demo_name: last 50 lines of the demo log:"
	tail -n 50 "$log" || true
	exit 1
}

start_demo() {
	demo_name="$1"
	local root
	root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
	echo "$demo_name: building the gateway"
	(cd "$root" && go build -o "$tmp/esign-gateway" .)
	local attempt
	for attempt in 1 2 3 4 5; do
		p1="$(node -e '
const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => console.log(p)); });
')"
		echo "$demo_name: starting demo on 127.0.0.1:$p1 (e签宝 emulator on a port it picks)"
		"$tmp/esign-gateway" demo --addr "127.0.0.1:$p1" --esign-addr "127.0.0.1:0" >"$log" 2>&1 &
		pid=$!
		local ready=""
		for _ in $(seq 1 300); do
			ready="$(grep -m1 -o 'demo is ready at http://[0-9.:]* (e签宝 emulator at http://[0-9.:]*)' "$log" || true)"
			[ -n "$ready" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1 # a process cannot tell us it is ready but through its log: poll
		done
		if [ -n "$ready" ]; then
			local gw emu
			gw="$(sed 's/^demo is ready at http:\/\/\([0-9.:]*\) .*/\1/' <<<"$ready")"
			emu="$(sed 's/.*emulator at http:\/\/\([0-9.:]*\))$/\1/' <<<"$ready")"
			[ "$gw" = "127.0.0.1:$p1" ] || demo_fail "demo reports $gw, want 127.0.0.1:$p1"
			p2="${emu##*:}"
			echo "$demo_name: demo ready on 127.0.0.1:$p1 (e签宝 emulator on 127.0.0.1:$p2)"
			return 0
		fi
		if kill -0 "$pid" 2>/dev/null; then
			demo_fail "demo did not become ready within 30s"
		fi
		wait "$pid" 2>/dev/null || true
		pid=""
		grep -q 'address already in use' "$log" || demo_fail "demo exited before it was ready"
		echo "$demo_name: port $p1 was taken before the demo bound it (attempt $attempt); trying another"
	done
	demo_fail "5 ports in a row were taken before the demo could bind them"
}
