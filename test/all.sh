#!/usr/bin/env bash
# Runs every test of esign-gateway: formatting, vet, the Go tests with the
# race detector (fuzz targets run over their seed corpora), the official
# DingTalk SDK conformance suite and the headless-browser test.
# Redis-backed tests start their own redis-server. Without one they are
# skipped, and the run then ends by listing every skipped test and exits 3
# instead of saying "all tests passed"; set ESIGNGW_REQUIRE_REDIS=1 to fail
# at once instead (CI does), or run .ci/run, which installs redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every test skipped on this machine leaves a line here (test/testkit.Skip).
skips="$(mktemp)"
# The list of skipped tests is printed however the run ends, failed runs
# included.
report_skips() {
  local status=$?
  if [ -s "$skips" ]; then
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!! NOT all tests ran: $(wc -l <"$skips") tests were SKIPPED on this machine:"
    sed "s|^$PWD/||" "$skips" | sort | sed 's/^/!!   /'
    echo "!! Install what they need (.ci/run does: apt-get install redis-server) and run again."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  fi
  rm -f "$skips"
  exit "$status"
}
trap report_skips EXIT
export ESIGNGW_SKIP_LOG="$skips"
if ! command -v redis-server >/dev/null 2>&1; then
  if [ -n "${ESIGNGW_REQUIRE_REDIS:-}" ]; then
    echo "redis-server not found and ESIGNGW_REQUIRE_REDIS is set"; exit 1
  fi
  echo "!! redis-server not found: the Redis-backed tests will be SKIPPED (apt-get install redis-server, or run .ci/run)"
fi

echo "== gofmt"
unformatted=$(find . -name '*.go' -not -path '*/node_modules/*' -not -path './.git/*' -print0 | xargs -0 gofmt -l)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go mod tidy -diff"
go mod tidy -diff

echo "== go vet"
go vet ./...

echo "== the production binary does not link package testing"
if go list -deps . | grep -qx testing; then
  echo "esign-gateway links package testing:"; go list -deps . | grep -x testing; exit 1
fi

echo "== go test -race"
go test -race -count=1 -timeout 15m ./...

echo "== esign-gateway check against the strict e签宝 emulator (the table an ISV gets from its sandbox)"
go test -count=1 -run 'TestCheckAgainstTheEmulator$' -v ./api/gateway | sed -n 's/^        //; /^e签宝 account/,/^[0-9]* actions:/p'

if [ -f test/sdk/run.sh ]; then
  echo "== DingTalk SDK conformance (@alicloud/dingtalk@2.2.27)"
  bash test/sdk/run.sh
fi

if [ -f test/browser/run.sh ]; then
  echo "== API Explorer in headless Chromium"
  bash test/browser/run.sh
fi
# Skipped tests (listed by report_skips) mean the run is not a pass.
if [ -s "$skips" ]; then
  exit 3
fi
echo "== all tests passed"
