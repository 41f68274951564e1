#!/usr/bin/env bash
# Builds the gateway, starts `esign-gateway demo` on two free ports, creates
# a flow for the demo corp through the gateway (GetFileUploadUrl + PUT,
# CreateProcess) and completes it through the e签宝 emulator's control API,
# then drives the API Explorer in headless Chromium (run.js) to run
# GetFlowDetail for it, then the operator console (console.js: login,
# Overview, Corps, a task, replay of a dead event, refusals). Exit code is
# node's. Run from anywhere:
#   bash test/browser/run.sh
# The screenshots are left in test/browser/artifacts/ (explorer.png,
# console-*.png).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/demo.sh
. "$root/test/lib/demo.sh"

fail() { demo_fail "$@"; }

# json PATH reads stdin as JSON and prints the value at a dotted path
# ("data.0.flowId"); it fails when the value is missing.
json() {
	node -e '
let s = "";
process.stdin.on("data", (d) => { s += d; }).on("end", () => {
  const v = process.argv[1].split(".").reduce((o, k) => (o == null ? o : o[k]), JSON.parse(s));
  if (v == null) { console.error("no " + process.argv[1] + " in " + s); process.exit(1); }
  console.log(typeof v === "object" ? JSON.stringify(v) : v);
});' "$1"
}

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "browser: $CHROMIUM not found (apt-get install chromium)"; exit 1; }
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
	echo "browser: warning: no Chinese font, the screenshot will show boxes (apt-get install fonts-wqy-microhei)"
fi

# One failed push sets an event aside as dead at once, for the console's
# replay (console.js).
export ESIGNGW_OUTBOX_MAX_ATTEMPTS=1
start_demo browser
gw="http://127.0.0.1:$p1"
emu="http://127.0.0.1:$p2"

echo "browser: creating a completed flow for the demo corp"
token="$(curl -sf -X POST "$gw/v1.0/oauth2/corpAccessToken" -H 'Content-Type: application/json' \
	-d '{"suiteKey":"demo-suite-key","suiteSecret":"demo-suite-secret","authCorpId":"ding-demo-corp","suiteTicket":"browser-test"}' | json accessToken)" ||
	fail "corpAccessToken failed"
auth=(-H "x-acs-dingtalk-access-token: $token" -H 'Content-Type: application/json')

pdf="$tmp/contract.pdf"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$pdf"
md5="$(node -e 'console.log(require("crypto").createHash("md5").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$pdf")"
size="$(wc -c <"$pdf" | tr -d ' ')"
upload="$(curl -sf -X POST "$gw/v2.0/esign/files/uploadUrls" "${auth[@]}" \
	-d "{\"contentMd5\":\"$md5\",\"contentType\":\"application/pdf\",\"convert2Pdf\":false,\"fileName\":\"browser.pdf\",\"fileSize\":$size}")" ||
	fail "GetFileUploadUrl failed"
fileId="$(json fileId <<<"$upload")"
curl -sf -X PUT "$(json uploadUrl <<<"$upload")" -H 'Content-Type: application/pdf' -H "Content-MD5: $md5" --data-binary "@$pdf" >/dev/null ||
	fail "upload PUT failed"

# The sourceInfo link ties the task to an approval instance, so
# GetAttachsApproval tells us the e签宝 flow id to complete.
inst="browser-$p1-$$"
taskId="$(curl -sf -X POST "$gw/v2.0/esign/process/startAtOnce" "${auth[@]}" -d "{
	\"taskName\":\"浏览器测试合同\",\"initiatorUserId\":\"u1\",
	\"files\":[{\"fileId\":\"$fileId\",\"fileName\":\"browser.pdf\",\"fileType\":1}],
	\"participants\":[{\"accountType\":\"DING_USER\",\"userId\":\"u2\",\"accountName\":\"李四\",\"signRequirements\":\"2\"}],
	\"sourceInfo\":{\"pcUrl\":\"https://aflow.dingtalk.com/dingtalk/web/query/pchomepage.htm?procInstId=$inst\",\"showText\":\"审批\"}}" | json taskId)" ||
	fail "CreateProcess failed"
flowId="$(curl -sf "$gw/v2.0/esign/dingInstances/$inst/attachments" "${auth[@]}" | json data.0.flowId)" ||
	fail "GetAttachsApproval failed"
curl -sf -X POST "$emu/_control/flows/$flowId/finish" >/dev/null || fail "emulator finish failed"
echo "browser: task $taskId (e签宝 flow $flowId) is complete"

# A start page (ProcessStart without autoStart): run.js presses its button
# in Chromium, which must send the page's Origin for the gateway to start it.
startUrl="$(curl -sf -X POST "$gw/v2.0/esign/processes/startUrls" "${auth[@]}" -d "{
	\"taskName\":\"浏览器发起页\",\"initiatorUserId\":\"u1\",
	\"files\":[{\"fileId\":\"$fileId\",\"fileName\":\"browser.pdf\"}],
	\"participants\":[{\"accountType\":\"DING_USER\",\"userId\":\"u2\",\"accountName\":\"李四\",\"signRequirements\":\"2\"}]}" | json pcUrl)" ||
	fail "ProcessStart failed"

if [ ! -d "$here/node_modules" ]; then
	echo "browser: installing node modules (npm ci)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi

status=0
(cd "$here" && GATEWAY_URL="$gw" TASK_ID="$taskId" START_URL="$startUrl" WANT_FLOW_STATUS=2 CHROMIUM="$CHROMIUM" node run.js) || status=$?
[ "$status" -eq 0 ] || fail "run.js failed (exit $status)"

(cd "$here" && GATEWAY_URL="$gw" TASK_ID="$taskId" ADMIN_TOKEN=demo-admin-token CHROMIUM="$CHROMIUM" node console.js) || status=$?
[ "$status" -eq 0 ] || fail "console.js failed (exit $status)"
