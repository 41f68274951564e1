'use strict';
// What the run needs around the SDK: the e签宝 emulator's control API, a
// small real PDF and its upload, and a local endpoint for redirect and
// notice URLs (so nothing ever leaves the machine).

const crypto = require('crypto');
const http = require('http');

// Control drives the emulator's /_control/ interface (esign/esigntest/controlhttp.go).
class Control {
  constructor(base) {
    this.base = base.replace(/\/+$/, '');
  }

  async req(method, path, body) {
    const r = await fetch(this.base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let j;
    try {
      j = JSON.parse(text);
    } catch {
      throw new Error(`control ${method} ${path}: HTTP ${r.status} non-JSON ${text.slice(0, 200)}`);
    }
    if (r.status !== 200 || j.ok !== true) throw new Error(`control ${method} ${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
    return j.data;
  }

  flowStatus(flowId) {
    return this.req('GET', `/_control/flows/${flowId}`).then((d) => d.flowStatus);
  }

  sign(flowId, accountId) {
    return this.req('POST', `/_control/flows/${flowId}/sign`, { accountId });
  }

  refuse(flowId, accountId, reason) {
    return this.req('POST', `/_control/flows/${flowId}/refuse`, { accountId, reason });
  }

  revoke(flowId, reason) {
    return this.req('POST', `/_control/flows/${flowId}/revoke`, { reason });
  }

  markRead(flowId, accountId) {
    return this.req('POST', `/_control/flows/${flowId}/markread`, { accountId });
  }

  // callbacksDone waits until every callback the emulator queued was
  // delivered (or given up).
  callbacksDone() {
    return this.req('POST', '/_control/callbacks/wait', {});
  }

  addSealApproval(flowId, orgId, status) {
    return this.req('POST', `/_control/flows/${flowId}/approvals`, { orgId, status }).then((d) => d.approvalFlowId);
  }

  setApproval(approvalFlowId, status) {
    return this.req('POST', `/_control/approvals/${approvalFlowId}`, { status });
  }

  // The corp's admin on e签宝's authorization page (POST /v3/org-auth-url's
  // authUrl): agrees (ok) for the organization orgName.
  completeAuthFlow(authFlowId, ok, orgName) {
    return this.req('POST', `/_control/auth-flows/${encodeURIComponent(authFlowId)}`, { ok, orgName });
  }

  // The organization (v1/v3 id or thirdPartyUserId) grants the app scopes.
  grant(orgId, scopes) {
    return this.req('POST', `/_control/grants/${encodeURIComponent(orgId)}`, { scopes });
  }

  completeIdentity(flowId, ok = true) {
    return this.req('POST', `/_control/identity/${flowId}`, { ok });
  }
}

// makePdf returns a small, valid one-page PDF (with a correct xref table).
function makePdf(text) {
  const content = `BT /F1 18 Tf 72 760 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const md5b64 = (buf) => crypto.createHash('md5').update(buf).digest('base64');

// upload PUTs the bytes to an upload address the way e签宝 expects.
async function upload(uploadUrl, buf, contentType) {
  const r = await fetch(uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Type': contentType, 'Content-MD5': md5b64(buf) },
    body: buf,
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`PUT uploadUrl: HTTP ${r.status} ${text.slice(0, 200)}`);
}

// localEndpoint serves 200 {"success":true} on 127.0.0.1 for noticeUrl and
// redirectUrl, and counts what it receives. Events POSTed under
// /dingtalk/events are parsed as DingTalk's page "e签宝事件" documents
// them (parseEvent) into events.
async function localEndpoint() {
  const hits = [];
  const events = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      hits.push({ method: req.method, url: req.url, body });
      if (req.method === 'POST' && req.url.startsWith('/dingtalk/events')) {
        let ev;
        try {
          ev = parseEvent(body);
        } catch (e) {
          ev = { error: `${e.message}: ${body.slice(0, 200)}` };
        }
        ev.path = req.url;
        ev.eventId = req.headers['x-esigngw-event-id'];
        events.push(ev);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success":true}');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, hits, events, close: () => new Promise((ok) => server.close(ok)) };
}

// parseEvent reads an event body exactly as the page documents it:
// {"action":"SIGN","taskId","bizData":{"status":RUNNING|FINISH|REVOKE|REFUSE,
// "finishTime" (only on FINISH)}} or {"action":"CORP_AUTH","taskId",
// "bizData":{"status":SUCCESS|FALL}}; any other field is an error.
function parseEvent(body) {
  const ev = JSON.parse(body);
  const only = (o, keys, what) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`${what} is not an object`);
    for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${what} has undocumented field ${k}`);
  };
  only(ev, ['action', 'taskId', 'bizData'], 'event');
  if (typeof ev.taskId !== 'string') throw new Error('taskId is not a string');
  const statuses = { SIGN: ['RUNNING', 'FINISH', 'REVOKE', 'REFUSE'], CORP_AUTH: ['SUCCESS', 'FALL'] }[ev.action];
  if (!statuses) throw new Error(`undocumented action ${ev.action}`);
  only(ev.bizData, ev.action === 'SIGN' ? ['status', 'finishTime'] : ['status'], 'bizData');
  if (!statuses.includes(ev.bizData.status)) throw new Error(`undocumented ${ev.action} status ${ev.bizData.status}`);
  const finish = ev.bizData.finishTime;
  if ((finish !== undefined) !== (ev.bizData.status === 'FINISH')) throw new Error(`finishTime on status ${ev.bizData.status}`);
  if (finish !== undefined && !(Number.isInteger(finish) && finish > 1e12)) throw new Error(`finishTime ${finish} is not epoch ms`);
  return { action: ev.action, taskId: ev.taskId, status: ev.bizData.status, finishTime: finish };
}

// pathAfter returns the path segment after marker in url (e.g. the flow id
// of an emulator signing page /sign/{flowId}).
function pathAfter(url, marker) {
  const u = new URL(url);
  const parts = u.pathname.split('/');
  const i = parts.indexOf(marker);
  if (i < 0 || !parts[i + 1]) throw new Error(`no /${marker}/<id> in ${url}`);
  return parts[i + 1];
}

const uid = (prefix) => `${prefix}-${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;

module.exports = { Control, makePdf, md5b64, upload, localEndpoint, parseEvent, pathAfter, uid };
