// Drives the operator console of a running esign-gateway demo (started
// with outbox.max_attempts 1) in headless Chromium: a receiver that is
// down makes an event of the second demo corp die at once; the test logs
// in, opens Overview, Corps and a task, replays the dead event from the
// Events page and waits for the receiver to get it with the same event
// id, checks the audit log, and checks that a POST without the CSRF token
// and requests without the session are refused. Screenshots of each page
// go to artifacts/console-*.png (artifacts/console-failure.png when
// something fails).
//
//   GATEWAY_URL=http://127.0.0.1:8080 TASK_ID=tk_... ADMIN_TOKEN=demo-admin-token node console.js
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.env.GATEWAY_URL;
const taskId = process.env.TASK_ID;
const adminToken = process.env.ADMIN_TOKEN || 'demo-admin-token';
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = path.join(__dirname, 'artifacts');
const corp2 = 'ding-demo-corp-2';

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok  ' + what);
}

// withTimeout rejects if p has not settled within ms.
function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out: ' + what)), ms); })])
    .finally(() => clearTimeout(timer));
}

// receiver is the second corp's noticeUrl: 503 while down; up, it resolves
// the waiter of each event id it gets.
function startReceiver() {
  const r = { down: true, attempts: 0, got: [], waiters: [], onAttempt: null };
  r.server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      r.attempts++;
      if (r.onAttempt) r.onAttempt();
      if (r.down) { res.writeHead(503); res.end('down'); return; }
      const id = req.headers['x-esigngw-event-id'];
      r.got.push(id);
      r.waiters = r.waiters.filter((w) => !w(id));
      res.writeHead(200); res.end('ok');
    });
  });
  r.next = (want) => new Promise((resolve) => {
    if (r.got.includes(want)) { resolve(want); return; }
    r.waiters.push((id) => { if (id === want) { resolve(id); return true; } return false; });
  });
  return new Promise((resolve) => r.server.listen(0, '127.0.0.1', () => {
    r.url = 'http://127.0.0.1:' + r.server.address().port + '/events';
    resolve(r);
  }));
}

async function api(method, p, body, headers) {
  const res = await fetch(base + p, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(method + ' ' + p + ': ' + res.status + ' ' + text);
  return JSON.parse(text);
}

// deadFlow makes the second corp's receiver the down one and starts a flow
// for that corp: its start event fails once and, at max_attempts 1, dies.
async function deadFlow(rcv) {
  const tok = (await api('POST', '/v1.0/oauth2/corpAccessToken', { suiteKey: 'demo-suite-key', suiteSecret: 'demo-suite-secret',
    authCorpId: corp2, suiteTicket: 'browser-test' })).accessToken;
  const h = { 'x-acs-dingtalk-access-token': tok };
  await api('POST', '/v2.0/esign/developers', { noticeUrl: rcv.url }, h);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const md5 = crypto.createHash('md5').update(pdf).digest('base64');
  const up = await api('POST', '/v2.0/esign/files/uploadUrls', { contentMd5: md5, contentType: 'application/pdf', convert2Pdf: false,
    fileName: 'console.pdf', fileSize: pdf.length }, h);
  const put = await fetch(up.uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'application/pdf', 'Content-MD5': md5 }, body: pdf });
  if (!put.ok) throw new Error('upload PUT: ' + put.status);
  const attempted = new Promise((resolve) => { rcv.onAttempt = resolve; });
  const created = await api('POST', '/v2.0/esign/process/startAtOnce', { taskName: '控制台测试合同', initiatorUserId: 'u1',
    files: [{ fileId: up.fileId, fileName: 'console.pdf', fileType: 1 }],
    participants: [{ accountType: 'DING_USER', userId: 'u2', accountName: '王五', signRequirements: '2' }] }, h);
  await withTimeout(attempted, 15000, 'the first push to the down receiver');
  // The gateway buries the event right after the 503; the admin API says when.
  for (let i = 0; i < 100; i++) {
    const dead = await api('GET', '/admin/v1/events/dead', null, { Authorization: 'Bearer ' + adminToken });
    const ev = dead.events.find((e) => e.corpId === corp2);
    if (ev) return { task: created.taskId, event: ev.eventId };
    await new Promise((r) => setTimeout(r, 100)); // another process: poll its admin API, bounded
  }
  throw new Error('no dead event for ' + corp2);
}

async function main() {
  if (!base || !taskId) throw new Error('GATEWAY_URL and TASK_ID are required');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.rmSync(path.join(artifacts, 'console-failure.png'), { force: true });
  const rcv = await startReceiver();
  const dead = await deadFlow(rcv);
  check(rcv.attempts === 1 && dead.event, 'an event of ' + corp2 + ' died after one failed push (' + dead.event + ')');

  // Without a session: a GET is sent to the login page, a POST refused.
  const anonGet = await fetch(base + '/console/corps', { redirect: 'manual' });
  check(anonGet.status === 303 && anonGet.headers.get('location') === '/console/login', 'GET without a session goes to the login page (303)');
  const anonPost = await fetch(base + '/console/events/replay', { method: 'POST', body: new URLSearchParams({ all: '1' }) });
  check(anonPost.status === 401, 'POST without a session is refused (401, got ' + anonPost.status + ')');

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 800 }, locale: 'zh-CN',
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));
  const shot = async (name) => {
    const file = path.join(artifacts, 'console-' + name + '.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log('screenshot: ' + file);
  };
  try {
    await page.goto(base + '/console/');
    check(page.url().endsWith('/console/login'), 'the console opens on the login page');
    await shot('login');
    await page.fill('#token', 'wrong-token');
    await page.click('#login');
    check((await page.textContent('#error')).includes('wrong admin token'), 'a wrong token is refused');
    problems.length = 0; // Chromium logs the 401 of that answer as a console error
    await page.fill('#token', adminToken);
    await page.fill('#name', 'browser-test');
    await page.click('#login');
    await page.waitForSelector('#nav-overview.on');
    const cookies = await context.cookies(base + '/console/');
    const c = cookies.find((x) => x.name === 'esigngw_console');
    check(c && c.httpOnly && c.sameSite === 'Strict' && c.path === '/console', 'session cookie is HttpOnly, SameSite=Strict, Path=/console');
    check(c.expires > Date.now() / 1000 + 7 * 3600, 'the session lasts 8 hours');

    // Overview: e签宝 per operation (the demo's own calls), store, outbox, keys.
    check((await page.textContent('#breaker')).trim() === 'closed', 'Overview shows the breaker closed');
    check(await page.locator('#ops tr').count() > 2, 'Overview lists e签宝 operations with their figures');
    check(/(ms|µs)/.test(await page.textContent('#store-rtt')), 'Overview shows the store round trip');
    await shot('overview');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('overview-phone');
    check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'Overview fits a phone screen without sideways scrolling');
    await page.setViewportSize({ width: 1366, height: 800 });

    // Corps: the second corp with its failing noticeUrl and dead event.
    await page.click('#nav-corps');
    await page.waitForSelector('#corps');
    const row = page.locator('#corps tr', { hasText: corp2 });
    check(await row.count() === 1, 'Corps lists ' + corp2);
    const rowText = await row.textContent();
    check(rowText.includes('noticeUrl answered 503') && rowText.includes(rcv.url) && /连续失败 1 /.test(rowText), 'Corps shows its noticeUrl and the failing delivery (1 consecutive failure)');
    await shot('corps');
    // The top of it is the README's picture (docs/console.png).
    await page.screenshot({ path: path.join(artifacts, 'console-corps-top.png'), clip: { x: 0, y: 0, width: 1366, height: 375 } });
    await page.selectOption('#status', 'failing');
    await page.click('form.bar button');
    await page.waitForSelector('#corps');
    check(await page.locator('#corps tr', { hasText: corp2 }).count() === 1 && await page.locator('#corps tr', { hasText: /ding-demo-corp(?!-2)/ }).count() === 0,
      'the "failing" filter keeps the failing corp only');

    // Tasks: find the demo's completed task by id.
    await page.click('#nav-tasks');
    await page.fill('#q', taskId);
    await page.click('#find');
    await page.waitForSelector('#task-id');
    check((await page.textContent('#task-id')).trim() === taskId, 'finding a taskId opens its task');
    check((await page.textContent('#flow-status')).trim() === '2', 'the task shows flowStatus 2');
    check(await page.locator('#log tr').count() > 2, 'the task shows its log');
    check((await page.textContent('#pushed')).includes('FINISH'), 'the task shows the events pushed for it (FINISH)');
    await shot('task');

    // Events: replay the dead event once the receiver is back.
    await page.goto(base + '/console/events?corp=' + corp2);
    const btn = page.locator('button.replay-one[data-event="' + dead.event + '"]');
    check(await btn.count() === 1, 'Events lists the dead event of ' + corp2);
    await shot('events');

    // A POST with the browser's session cookie but without the CSRF token
    // (what another site's form could send, SameSite aside) is refused.
    // The console's CSP forbids the page's own fetch, so it goes through
    // the context's request API, which carries the context's cookies.
    const noCSRF = await context.request.post(base + '/console/events/replay', { form: { all: '1' }, maxRedirects: 0 });
    check(noCSRF.status() === 403, 'POST with the session but no CSRF token is refused (403, got ' + noCSRF.status() + ')');
    const withSession = await context.request.get(base + '/console/corps', { maxRedirects: 0 });
    check(withSession.status() === 200, 'the same request API is signed in (GET 200)');

    rcv.down = false;
    const arrived = rcv.next(dead.event);
    await btn.click();
    await page.waitForSelector('#flash');
    check((await page.textContent('#flash')).includes('1'), 'the replay reports one task replayed');
    await withTimeout(arrived, 15000, 'the replayed event at the receiver');
    check(rcv.got[0] === dead.event, 'the receiver got the replayed event with its original id ' + dead.event);
    await shot('events-replayed');

    await page.click('#nav-audit');
    const audit = page.locator('#audit tr', { hasText: 'event:' + dead.event });
    check(await audit.count() === 1, 'the audit log has the replay');
    const auditText = await audit.textContent();
    check(auditText.includes('console:browser-test') && /[0-9A-F]{8}-[0-9A-F]{4}-/.test(auditText), 'the audit entry names who and the request id');
    check(await page.locator('#audit tr', { hasText: 'refused' }).count() >= 1, 'the refused login is in the audit log');
    await shot('audit');

    await page.click('#nav-bind');
    await shot('bind');

    await page.click('#logout');
    await page.waitForSelector('#token');
    const after = await context.request.get(base + '/console/corps', { maxRedirects: 0 });
    check(after.status() === 303 && after.headers()['location'] === '/console/login', 'after signing out the console sends the browser to the login page again');
    check(problems.length === 0, 'no page errors or console errors' + (problems.length ? ': ' + problems.join('; ') : ''));
  } catch (e) {
    await page.screenshot({ path: path.join(artifacts, 'console-failure.png'), fullPage: true }).catch(() => {});
    if (problems.length) console.error(problems.join('\n'));
    throw e;
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    rcv.server.close();
  }
}

main().catch((e) => {
  console.error('console browser test failed:', e.message);
  process.exit(1);
});
