#!/usr/bin/env bash
# Runs every test of esign-gateway: formatting, vet, the Go tests with the
# race detector (fuzz targets run over their seed corpora), the official
# DingTalk SDK conformance suite and the headless-browser test.
# Redis-backed tests start their own redis-server; set ESIGNGW_REQUIRE_REDIS=1
# to fail instead of skipping when it is missing (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

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

if [ -f test/sdk/run.sh ]; then
  echo "== DingTalk SDK conformance (@alicloud/dingtalk@2.2.27)"
  bash test/sdk/run.sh
fi

if [ -f test/browser/run.sh ]; then
  echo "== API Explorer in headless Chromium"
  bash test/browser/run.sh
fi
echo "== all tests passed"
