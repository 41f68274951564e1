// Drives the API Explorer of a running esign-gateway demo in headless
// Chromium: get a token with the prefilled demo credentials, find
// GetFlowDetail (esign_2.0) through the search box, run it for TASK_ID and
// check the status and flowStatus the page shows. Saves a screenshot to
// artifacts/explorer.png (artifacts/failure.png when something fails).
//
//   GATEWAY_URL=http://127.0.0.1:8080 TASK_ID=tk_... WANT_FLOW_STATUS=2 node run.js
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.env.GATEWAY_URL;
const taskId = process.env.TASK_ID;
const startUrl = process.env.START_URL;
const wantFlowStatus = Number(process.env.WANT_FLOW_STATUS || '2');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = path.join(__dirname, 'artifacts');

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok  ' + what);
}

async function main() {
  if (!base || !taskId) throw new Error('GATEWAY_URL and TASK_ID are required');
  fs.mkdirSync(artifacts, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 1024 },
    locale: 'zh-CN',
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));
  try {
    await page.goto(base + '/explorer');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    check(await page.inputValue('#tk-suiteKey') === 'demo-suite-key', 'demo credentials are prefilled');

    await page.click('#token-get');
    await page.waitForSelector('#token-status.ok', { timeout: 10000 });
    check((await page.textContent('#token-status')).includes('token'), 'Get token stores a token');

    // esign_1.0 through the same form: a query parameter and the envelope.
    await page.fill('#search', 'GetFlowDetail');
    await page.click('[data-action="GetFlowDetail_v1"]');
    await page.fill('#f-query-taskId', taskId);
    await page.click('#send');
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('resp-status').textContent), null, { timeout: 15000 });
    const v1 = JSON.parse(await page.textContent('#resp-body'));
    check(v1.code === 0 && v1.data.flowStatus === wantFlowStatus, 'esign_1.0 GetFlowDetail answers {code: 0, data: {flowStatus: ' + wantFlowStatus + '}}');

    // A body action: nested fields come as JSON prefilled from the example.
    await page.fill('#search', 'CreateProcess');
    await page.click('[data-action="CreateProcess"]');
    check((await page.inputValue('#f-body-files')).includes('"fileId"'), 'CreateProcess files textarea is prefilled');
    check((await page.textContent('#node')).includes('new sdk.CreateProcessRequest('), 'CreateProcess Node snippet builds the request model');

    await page.fill('#search', 'GetFlowDetail');
    check(await page.isVisible('[data-action="GetFlowDetail_v2"]'), 'search finds GetFlowDetail (esign_2.0)');
    check(!(await page.isVisible('[data-action="CreateProcess"]')), 'search hides the other actions');

    await page.click('[data-action="GetFlowDetail_v2"]');
    await page.fill('#f-path-taskId', taskId);
    await page.click('#send');
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('resp-status').textContent), null, { timeout: 15000 });

    const status = (await page.textContent('#resp-status')).trim();
    check(status === '200', '#resp-status is 200 (got ' + status + ')');
    const body = JSON.parse(await page.textContent('#resp-body'));
    check(body.flowStatus === wantFlowStatus, 'flowStatus shown is ' + wantFlowStatus + ' (got ' + body.flowStatus + ')');
    check(Array.isArray(body.logs) && body.logs.length > 0, 'the flow log is shown');
    check(/x-acs-request-id/.test(await page.textContent('#resp-headers')), 'x-acs-request-id is shown');
    check(/\d+ ms/.test(await page.textContent('#resp-time')), 'elapsed time is shown');
    const curl = await page.textContent('#curl');
    check(curl.includes('/v2.0/esign/flowTasks/' + taskId) && curl.includes('x-acs-dingtalk-access-token'), 'curl line names the call and the token header');
    const node = await page.textContent('#node');
    check(node.includes("@alicloud/dingtalk/esign_2_0") && node.includes('getFlowDetailWithOptions(' + JSON.stringify(taskId) + ', headers, new $Util.RuntimeOptions({}))'),
      'Node snippet calls esign_2_0 getFlowDetailWithOptions');
    check(problems.length === 0, 'no page errors, console errors or failed requests' + (problems.length ? ': ' + problems.join('; ') : ''));

    await page.screenshot({ path: path.join(artifacts, 'explorer.png'), fullPage: true });
    console.log('screenshot: ' + path.join(artifacts, 'explorer.png'));

    // The start page's button: a real browser's form POST carries the
    // page's Origin (Referrer-Policy same-origin), which the gateway requires.
    if (startUrl) {
      await page.goto(startUrl);
      check((await page.textContent('h1')).includes('浏览器发起页'), 'the start page shows the task');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
      const text = await page.textContent('body');
      check(text.includes('签署流程已发起'), 'pressing the start button starts the flow (got: ' + text.trim().slice(0, 120) + ')');
    }
  } catch (e) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
    if (problems.length) console.error(problems.join('\n'));
    throw e;
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('browser test failed:', e.message);
  process.exit(1);
});
