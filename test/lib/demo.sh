# Sourced by the test suites that need a running demo (test/sdk, test/browser).
# start_demo NAME builds the gateway, starts `esign-gateway demo` on two free
# ports and waits for /readyz. It sets tmp, log, pid, p1 (gateway) and p2
# (e签宝 emulator), and installs a trap that stops the demo and removes tmp.
# demo_fail MSG prints MSG and the demo log's tail, then exits 1.

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
	# Two distinct free ports, chosen by the kernel.
	read -r p1 p2 < <(node -e '
const net = require("net");
const free = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
(async () => { const a = await free(); let b = await free(); while (b === a) b = await free(); console.log(a, b); })();
')
	echo "$demo_name: starting demo on 127.0.0.1:$p1 (e签宝 emulator on 127.0.0.1:$p2)"
	"$tmp/esign-gateway" demo --addr "127.0.0.1:$p1" --esign-addr "127.0.0.1:$p2" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 150); do
		curl -sf "http://127.0.0.1:$p1/readyz" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	demo_fail "demo did not become ready within 30s"
}
