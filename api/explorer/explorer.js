// API Explorer for esign-gateway: the actions of /openapi.json grouped like
// DingTalk's documentation tree, a token helper, a form per action, the
// response, and the same call as curl and as @alicloud/dingtalk Node code.
// Plain script, no dependencies: the page's CSP allows only its own origin.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'esigngw.explorer.token';
  const IDS_KEY = 'esigngw.explorer.ids';
  let spec = null;
  let current = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  async function getJSON(url) {
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
    return res.json();
  }

  // resolve follows a local $ref.
  function resolve(s) {
    let guard = 0;
    while (s && s.$ref && guard++ < 20) {
      const path = s.$ref.replace(/^#\//, '').split('/');
      s = path.reduce((o, k) => (o ? o[k] : undefined), spec);
    }
    return s || {};
  }

  // sample makes an example value for a schema (nested fields of the form).
  function sample(s, depth) {
    s = resolve(s);
    if ((depth || 0) > 6) return null;
    if (s.enum) return s.enum[0];
    switch (s.type) {
      case 'object': {
        const out = {};
        const props = s.properties || {};
        const names = (s.required && s.required.length) ? s.required : Object.keys(props);
        for (const n of names) out[n] = sample(props[n], (depth || 0) + 1);
        return out;
      }
      case 'array': return [sample(s.items, (depth || 0) + 1)];
      case 'integer': case 'number': return 0;
      case 'boolean': return false;
      default: return '';
    }
  }

  // collect lists the operations the explorer offers: DingTalk actions.
  function collect() {
    const ops = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op['x-dingtalk-action']) continue;
        const [zh, en] = (op.summary || '').split(' / ');
        ops.push({ id: op.operationId, action: op['x-dingtalk-action'], version: op['x-dingtalk-version'],
          tag: op.tags[0], zh, en, method: method.toUpperCase(), path, op });
      }
    }
    ops.sort((a, b) => a.action.localeCompare(b.action));
    return ops;
  }

  function renderTree(ops) {
    const tree = $('tree');
    tree.replaceChildren();
    const groups = (spec['x-tagGroups'] || []).filter((g) => g.name.startsWith('e签宝'));
    groups.push({ name: 'OAuth2', tags: ['OAuth2 令牌 / tokens'] });
    for (const g of groups) {
      const section = el('div', { class: 'tree-version' }, el('div', { class: 'version' }, g.name));
      for (const tag of g.tags) {
        const entries = ops.filter((o) => o.tag === tag);
        if (!entries.length) continue;
        const block = el('div', { class: 'tree-group' }, el('div', { class: 'group' }, tag.includes('/') && g.name !== 'OAuth2' ? tag.split('/')[1] : '令牌 / tokens'));
        for (const o of entries) {
          const b = el('button', { type: 'button', class: 'entry', 'data-action': o.id, title: o.method + ' ' + o.path },
            el('span', { class: 'name' }, o.action), el('span', { class: 'title' }, o.zh));
          b.addEventListener('click', () => select(o));
          block.append(b);
        }
        section.append(block);
      }
      tree.append(section);
    }
  }

  function filterTree(q) {
    q = q.trim().toLowerCase();
    for (const b of document.querySelectorAll('.tree .entry')) {
      b.classList.toggle('hidden', q !== '' && !b.textContent.toLowerCase().includes(q) && !b.title.toLowerCase().includes(q));
    }
    for (const g of document.querySelectorAll('.tree-group, .tree-version')) {
      g.classList.toggle('hidden', !g.querySelector('.entry:not(.hidden)'));
    }
  }

  function savedIds() {
    try { return JSON.parse(sessionStorage.getItem(IDS_KEY)) || {}; } catch (e) { return {}; }
  }

  function field(where, name, s, required, value) {
    s = resolve(s);
    const type = s.type || 'string';
    let input;
    if (type === 'array' || type === 'object') {
      input = el('textarea', { spellcheck: false });
      // Optional nested fields stay empty (not sent); the sample shows the shape.
      if (value !== undefined || required) input.value = JSON.stringify(value !== undefined ? value : sample(s), null, 2);
      else input.placeholder = JSON.stringify(sample(s), null, 2);
    } else if (type === 'boolean' || s.enum) {
      input = el('select', {}, el('option', { value: '' }, '（不填 / unset）'));
      for (const v of (s.enum || [true, false])) input.append(el('option', { value: String(v) }, String(v)));
      if (value !== undefined) input.value = String(value);
    } else {
      input = el('input', { type: type === 'string' ? 'text' : 'number' });
      if (type !== 'string') input.step = type === 'integer' ? '1' : 'any';
      if (value !== undefined && value !== null) input.value = String(value);
    }
    input.dataset.in = where;
    input.dataset.name = name;
    input.dataset.type = type;
    input.id = 'f-' + where + '-' + name;
    input.addEventListener('input', updateSnippets);
    const label = el('label', { class: 'label', htmlFor: input.id }, name, required ? el('span', { class: 'req' }, '*') : null,
      el('span', { class: 'type' }, type + (required ? ' · 必填 required' : ' · 可选 optional')));
    const hint = s.description ? el('div', { class: 'hint' }, s.description) : null;
    return el('div', { class: 'field' }, label, input, hint);
  }

  function select(o) {
    current = o;
    location.hash = o.id;
    for (const b of document.querySelectorAll('.tree .entry')) {
      b.classList.toggle('active', b.dataset.action === o.id);
      if (b.dataset.action === o.id) b.scrollIntoView({ block: 'nearest' });
    }
    $('op-empty').classList.add('hidden');
    $('op').classList.remove('hidden');
    $('op-title').textContent = o.zh + ' · ' + o.action + ' (' + o.version + ')';
    $('op-method').textContent = o.method;
    $('op-method').className = 'method ' + o.method.toLowerCase();
    $('op-path').textContent = o.path;
    $('op-desc').textContent = (o.en ? o.en + '\n\n' : '') + (o.op.description || '');
    const form = $('op-form');
    form.replaceChildren();
    const ids = savedIds();
    const params = (o.op.parameters || []).map(resolve).filter((p) => p.in === 'path' || p.in === 'query');
    for (const where of ['path', 'query']) {
      const list = params.filter((p) => p.in === where);
      if (!list.length) continue;
      form.append(el('div', { class: 'section-title' }, where === 'path' ? 'Path 参数' : 'Query 参数'));
      for (const p of list) form.append(field(where, p.name, Object.assign({ description: p.description }, p.schema), p.required, ids[p.name]));
    }
    const media = o.op.requestBody && o.op.requestBody.content['application/json'];
    if (media) {
      const body = resolve(media.schema);
      const example = media.example || {};
      const req = body.required || [];
      const names = Object.keys(body.properties || {}).sort((a, b) => (req.includes(b) - req.includes(a)) || a.localeCompare(b));
      form.append(el('div', { class: 'section-title' }, 'Body 参数 (application/json)'));
      for (const n of names) {
        let value = example[n] !== undefined ? example[n] : (n === 'taskId' || n === 'fileId' ? ids[n] : undefined);
        if (value !== undefined && ids.fileId) value = JSON.parse(JSON.stringify(value).split('<fileId>').join(ids.fileId));
        form.append(field('body', n, body.properties[n], req.includes(n), value));
      }
    }
    $('send-error').textContent = '';
    updateSnippets();
  }

  // build turns the form into a request: url, headers, body.
  function build() {
    let path = current.path;
    const query = new URLSearchParams();
    const body = {};
    for (const input of $('op-form').querySelectorAll('[data-in]')) {
      const raw = input.value;
      const { in: where, name, type } = input.dataset;
      if (where === 'path') { path = path.replace('{' + name + '}', encodeURIComponent(raw)); continue; }
      if (raw === '') continue;
      if (where === 'query') { query.set(name, raw); continue; }
      if (type === 'integer' || type === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new Error(name + ': 不是数字 / not a number');
        body[name] = n;
      } else if (type === 'boolean') {
        body[name] = raw === 'true';
      } else if (type === 'array' || type === 'object') {
        try { body[name] = JSON.parse(raw); } catch (e) { throw new Error(name + ': JSON 无效 / invalid JSON: ' + e.message); }
      } else {
        body[name] = raw;
      }
    }
    const headers = {};
    const needsToken = (current.op.parameters || []).some((p) => resolve(p).name === 'x-acs-dingtalk-access-token');
    if (needsToken) headers['x-acs-dingtalk-access-token'] = token() || '';
    const hasBody = !!current.op.requestBody;
    if (hasBody) headers['Content-Type'] = 'application/json';
    const qs = query.toString();
    return { method: current.method, url: path + (qs ? '?' + qs : ''), headers, body: hasBody ? body : undefined, params: { path, query } };
  }

  function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }

  function curlLine(r) {
    const parts = ['curl -sS -X ' + r.method + ' ' + shellQuote(location.origin + r.url)];
    for (const [k, v] of Object.entries(r.headers)) parts.push('-H ' + shellQuote(k + ': ' + v));
    if (r.body !== undefined) parts.push('-d ' + shellQuote(JSON.stringify(r.body)));
    return parts.join(' \\\n  ');
  }

  function nodeSnippet(r) {
    const sdk = current.op['x-dingtalk-sdk'];
    const oauth = sdk.module.startsWith('oauth2');
    const pathVals = [];
    for (const input of $('op-form').querySelectorAll('[data-in="path"]')) pathVals.push(JSON.stringify(input.value));
    const args = sdk.args.map((a) => (a === 'runtime' ? 'new $Util.RuntimeOptions({})' : (a === 'headers' || a === 'request') ? a : pathVals.shift()));
    const lines = [
      '// npm install @alicloud/dingtalk @alicloud/openapi-client @alicloud/tea-util',
      "const $OpenApi = require('@alicloud/openapi-client');",
      "const $Util = require('@alicloud/tea-util');",
      "const sdk = require('@alicloud/dingtalk/" + sdk.module + "');",
      '',
      "const client = new sdk.default(new $OpenApi.Config({ protocol: '" + location.protocol.replace(':', '') + "', endpoint: '" + location.host + "' }));",
      '',
      'async function main() {',
      oauth ? '  const headers = {};'
        : '  const headers = new sdk.' + sdk.headers + '({ xAcsDingtalkAccessToken: ' + JSON.stringify(r.headers['x-acs-dingtalk-access-token'] || '<accessToken>') + ' });',
    ];
    if (sdk.args.includes('request')) {
      const fields = Object.assign({}, r.body || {});
      r.params.query.forEach((v, k) => { fields[k] = v; });
      lines.push('  const request = new sdk.' + sdk.request + '(' + JSON.stringify(fields, null, 2).replace(/\n/g, '\n  ') + ');');
    }
    lines.push('  const res = await client.' + sdk.method + '(' + args.join(', ') + ');');
    lines.push('  console.log(res.statusCode, JSON.stringify(res.body, null, 2));', '}', '',
      'main().catch((err) => { console.error(err.code, err.message); process.exit(1); });');
    return lines.join('\n');
  }

  function updateSnippets() {
    if (!current) return;
    try {
      const r = build();
      $('curl').textContent = curlLine(r);
      $('node').textContent = nodeSnippet(r);
      $('send-error').textContent = '';
    } catch (e) {
      $('send-error').textContent = e.message;
    }
  }

  function token() {
    try {
      const t = JSON.parse(sessionStorage.getItem(TOKEN_KEY));
      return t && t.expiresAt > Date.now() ? t.accessToken : '';
    } catch (e) { return ''; }
  }

  function showToken() {
    const t = token();
    const s = $('token-status');
    if (!t) { s.textContent = '未获取 / no token yet'; s.className = 'status muted'; return; }
    const left = Math.round((JSON.parse(sessionStorage.getItem(TOKEN_KEY)).expiresAt - Date.now()) / 1000);
    s.textContent = '已获取 token / token ready（' + left + 's）: ' + t.slice(0, 24) + '…';
    s.className = 'status ok';
  }

  async function getToken() {
    const body = {};
    for (const k of ['suiteKey', 'suiteSecret', 'authCorpId', 'suiteTicket']) body[k] = $('tk-' + k).value.trim();
    const s = $('token-status');
    s.textContent = '请求中 / requesting…';
    s.className = 'status muted';
    try {
      const res = await fetch('/v1.0/oauth2/corpAccessToken', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const data = await res.json();
      if (!res.ok) throw new Error(res.status + ' ' + data.code + ': ' + data.message);
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ accessToken: data.accessToken, expiresAt: Date.now() + data.expireIn * 1000 }));
      showToken();
      updateSnippets();
    } catch (e) {
      s.textContent = '失败 / failed: ' + e.message;
      s.className = 'status err';
    }
  }

  async function send() {
    let r;
    try { r = build(); } catch (e) { $('send-error').textContent = e.message; return; }
    $('send-error').textContent = '';
    $('resp-status').textContent = '…';
    $('resp-status').className = '';
    const t0 = performance.now();
    let res, text;
    try {
      res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body !== undefined ? JSON.stringify(r.body) : undefined });
      text = await res.text();
    } catch (e) {
      $('resp-status').textContent = 'network error';
      $('resp-status').className = 'err';
      $('resp-body').textContent = e.message;
      return;
    }
    $('resp-time').textContent = Math.round(performance.now() - t0) + ' ms';
    $('resp-status').textContent = String(res.status);
    $('resp-status').title = res.statusText;
    $('resp-status').className = res.ok ? 'ok' : 'err';
    const hs = $('resp-headers');
    hs.replaceChildren();
    const names = [...res.headers.keys()].sort((a, b) => (b === 'x-acs-request-id') - (a === 'x-acs-request-id') || a.localeCompare(b));
    for (const n of names) {
      const cls = n === 'x-acs-request-id' || n === 'x-esign-org-console-url' ? 'hl' : '';
      hs.append(el('dt', { class: cls }, n), el('dd', { class: cls }, res.headers.get(n)));
    }
    let shown = text;
    try {
      const data = JSON.parse(text);
      shown = JSON.stringify(data, null, 2);
      remember(data);
    } catch (e) { /* not JSON: shown as is */ }
    $('resp-body').textContent = shown;
  }

  // remember keeps the last taskId and fileId answered, to prefill forms.
  function remember(data) {
    const d = data && data.data && !Array.isArray(data.data) ? data.data : data;
    const ids = savedIds();
    for (const k of ['taskId', 'fileId']) if (d && typeof d[k] === 'string' && d[k]) ids[k] = d[k];
    sessionStorage.setItem(IDS_KEY, JSON.stringify(ids));
  }

  async function copy(id, button) {
    const text = $(id).textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($(id));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.execCommand('copy');
    }
    button.textContent = '已复制 / copied';
    setTimeout(() => { button.textContent = '复制 / copy'; }, 1500);
  }

  async function init() {
    const [cfg, doc] = await Promise.all([getJSON('/explorer/config.json'), getJSON('/openapi.json')]);
    spec = doc;
    if (cfg.demo) {
      $('tk-suiteKey').value = cfg.suiteKey || '';
      $('tk-suiteSecret').value = cfg.suiteSecret || '';
      $('tk-authCorpId').value = cfg.corpId || '';
      $('mode').classList.remove('hidden');
    }
    const ops = collect();
    renderTree(ops);
    showToken();
    $('search').addEventListener('input', (e) => filterTree(e.target.value));
    $('token-get').addEventListener('click', getToken);
    $('send').addEventListener('click', send);
    for (const b of document.querySelectorAll('[data-copy]')) b.addEventListener('click', () => copy(b.dataset.copy, b));
    const wanted = ops.find((o) => o.id === decodeURIComponent(location.hash.slice(1)));
    if (wanted) select(wanted);
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', () => {
    init().catch((e) => {
      $('op-empty').textContent = '加载失败 / failed to load: ' + e.message;
      $('op-empty').className = 'err';
    });
  });
})();
