'use strict';
// Harness of the SDK conformance run: the official clients (with the raw
// JSON of every answer kept aside, so types are judged before the SDK's
// lenient cast) and the success and error expectations.

const $OpenApi = require('@alicloud/openapi-client');
const $Util = require('@alicloud/tea-util');
const esign1 = require('@alicloud/dingtalk/esign_1_0');
const esign2 = require('@alicloud/dingtalk/esign_2_0');
const oauth2 = require('@alicloud/dingtalk/oauth2_1_0');
const { build, checkModel, short } = require('./models');
const { Report } = require('./report');

const RUNTIME = () => new $Util.RuntimeOptions({ readTimeout: 10000, connectTimeout: 10000 });

// newClient returns an SDK client whose execute() keeps a deep copy of the
// parsed JSON body it got, before $tea.cast converts anything.
function newClient(mod, gateway) {
  const client = new mod.default(new $OpenApi.Config({ endpoint: gateway, protocol: 'http' }));
  const execute = client.execute.bind(client);
  client.execute = async (params, request, runtime) => {
    const out = await execute(params, request, runtime);
    client.lastRaw = out.body === undefined ? undefined : JSON.parse(JSON.stringify(out.body));
    client.lastStatus = out.statusCode;
    return out;
  };
  return client;
}

const lcfirst = (s) => s[0].toLowerCase() + s.slice(1);

// Api calls one SDK module's *WithOptions methods with the token header set.
class Api {
  constructor(name, mod, gateway) {
    this.name = name;
    this.mod = mod;
    this.client = newClient(mod, gateway);
  }

  // headers builds the action's Headers model; tok undefined sends no token.
  headers(action, tok) {
    const Headers = this.mod[`${action}Headers`];
    const h = {};
    if (tok !== undefined) h.xAcsDingtalkAccessToken = tok;
    if (Headers.names().serviceGroup) h.serviceGroup = '-';
    return new Headers(h);
  }

  // request builds the action's Request model, nested models included,
  // from a plain object (fields the model does not declare are dropped, as
  // the SDK's toMap would).
  request(action, body) {
    return build(this.mod[`${action}Request`], body);
  }

  // call runs action with args (request model, path id, or nothing) and
  // returns {ok, res, raw, err}. raw is set whenever HTTP answered 2xx, also
  // when the SDK then threw while casting.
  async call(action, tok, ...args) {
    const c = this.client;
    c.lastRaw = undefined;
    c.lastStatus = undefined;
    const method = `${lcfirst(action)}WithOptions`;
    if (typeof c[method] !== 'function') throw new Error(`SDK has no ${method}`);
    try {
      const res = await c[method](...args, this.headers(action, tok), RUNTIME());
      return { ok: true, res, raw: c.lastRaw };
    } catch (err) {
      return { ok: false, err, raw: c.lastRaw, status: c.lastStatus };
    }
  }

  responseModel(action) {
    return this.mod[`${action}Response`];
  }
}

// Oauth calls the anonymous token endpoints (headers are a plain map).
class Oauth {
  constructor(gateway) {
    this.name = 'oauth2_1_0';
    this.mod = oauth2;
    this.client = newClient(oauth2, gateway);
  }

  async call(action, body) {
    const c = this.client;
    c.lastRaw = undefined;
    try {
      const res = await c[`${lcfirst(action)}WithOptions`](build(oauth2[`${action}Request`], body), {}, RUNTIME());
      return { ok: true, res, raw: c.lastRaw };
    } catch (err) {
      return { ok: false, err, raw: c.lastRaw };
    }
  }

  responseModel(action) {
    return oauth2[`${action}Response`];
  }
}

// describeErr renders what the SDK threw.
function describeErr(r) {
  const e = r.err;
  if (r.raw !== undefined) return `SDK threw after HTTP 2xx: ${e && e.message} (raw ${short(r.raw)})`;
  if (e && e.statusCode !== undefined) return `HTTP ${e.statusCode} ${e.code} "${e.data && e.data.message}"`;
  return `SDK threw ${e && e.name}: ${e && e.message}`;
}

// expectOK asserts a success whose raw body matches the SDK's response
// model exactly, and returns the SDK's (cast) body.
function expectOK(api, action, r, opts = {}) {
  if (!r.ok) throw new Error(describeErr(r));
  if (r.res.statusCode !== 200) throw new Error(`HTTP ${r.res.statusCode}, want 200`);
  if (!r.res.headers['x-acs-request-id']) throw new Error('response header x-acs-request-id missing');
  const Body = api.responseModel(action).types().body;
  const errs = [];
  checkModel(r.raw, Body, 'body', errs, opts);
  if (errs.length) throw new Error(`wire types: ${errs.join('; ')}`);
  if (!(r.res.body instanceof Body)) throw new Error(`SDK body is not a ${Body.name}`);
  if (api.name === 'esign_1_0') {
    if (r.raw.code !== 0 || r.raw.message !== 'ok') throw new Error(`envelope code/message ${r.raw.code}/${r.raw.message}, want 0/ok`);
  }
  return r.res.body;
}

// expectErr asserts an SDK ResponseError with status, code, a message
// containing msgPart (when given) and a requestid; returns the error.
function expectErr(r, status, code, msgPart) {
  if (r.ok) throw new Error(`want ${status} ${code}, got success ${short(r.raw)}`);
  const e = r.err;
  if (e.statusCode === undefined) throw new Error(`want ${status} ${code}, ${describeErr(r)}`);
  const msg = e.data && e.data.message;
  if (e.statusCode !== status || e.code !== code) throw new Error(`want ${status} ${code}, got ${e.statusCode} ${e.code} "${msg}"`);
  if (msgPart !== undefined && !String(msg).includes(msgPart)) throw new Error(`message "${msg}" does not name ${msgPart}`);
  if (typeof (e.data && e.data.requestid) !== 'string' || e.data.requestid === '') throw new Error('error body has no requestid');
  return e;
}

// expectSameAs asserts that the foreign-corp answer is the unknown-id
// answer: same status, code and message, and the code is want.
function expectSameAs(foreign, unknown, status, code) {
  const f = expectErr(foreign, status, code);
  const u = expectErr(unknown, status, code);
  if (f.data.message !== u.data.message) throw new Error(`foreign says "${f.data.message}", unknown says "${u.data.message}"`);
}

module.exports = {
  esign1, esign2, oauth2, Api, Oauth, Report, RUNTIME,
  checkModel, expectOK, expectErr, expectSameAs, describeErr, short,
};
