'use strict';
// Checks every action shares: bad and missing tokens, missing required
// fields, malformed path ids, and corp isolation.

const { expectErr, expectSameAs } = require('./harness');

const INVALID = 'invalidRequest.invalidAguemnts'; // sic, as DingTalk spells it

// paramCode is the code the action's page documents for a refused
// parameter: esign_1.0 has one code for every refusal, esign_2.0
// requestParamError, CreateDevelopers illegalArgument.
function paramCode(api, action) {
  if (api.name !== 'esign_2_0') return INVALID;
  return action === 'CreateDevelopers' ? 'illegalArgument' : 'requestParamError';
}

// authChecks: a bad token is 400 InvalidAuthentication, no token is 400
// AuthenticationFailed.MissingParameter (args are the action's arguments).
async function authChecks(a, api, action, ...args) {
  await a.step('badtoken', async () => {
    expectErr(await api.call(action, 'bad-token', ...args), 400, 'InvalidAuthentication');
  });
  await a.step('notoken', async () => {
    expectErr(await api.call(action, undefined, ...args), 400, 'AuthenticationFailed.MissingParameter');
  });
}

// without returns a deep copy of body with one field removed; a field is a
// path such as "files[0].fileId".
function without(body, field) {
  const copy = structuredClone(body);
  const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k];
  delete o[keys[keys.length - 1]];
  return copy;
}

// missingChecks removes each required field in turn from a valid body and
// expects 400 with the version's parameter code, naming it. fresh(body) may adjust the body
// first (e.g. a new orderId, so idempotency never answers instead).
async function missingChecks(a, api, action, tok, body, fields, fresh = (b) => b) {
  for (const f of fields) {
    await a.step('missing', async () => {
      const r = await api.call(action, tok, api.request(action, without(fresh(structuredClone(body)), f)));
      try {
        expectErr(r, 400, paramCode(api, action), `参数错误:${f}`);
      } catch (e) {
        throw new Error(`without ${f}: ${e.message}`);
      }
    });
  }
}

// pathIdChecks: a path id left empty is a missing field, and one with
// characters no id has is malformed; both are 400 with the version's
// parameter code, naming it.
async function pathIdChecks(a, api, action, tok, field) {
  await a.step('missing', async () => {
    try {
      expectErr(await api.call(action, tok, ''), 400, paramCode(api, action), field);
    } catch (e) {
      throw new Error(`empty ${field}: ${e.message}`);
    }
  });
  await a.step('malformed', async () => {
    try {
      expectErr(await api.call(action, tok, 'bad~id!'), 400, paramCode(api, action), field);
    } catch (e) {
      throw new Error(`${field} "bad~id!": ${e.message}`);
    }
  });
}

// foreignCheck: the other corp's id answers exactly like an unknown id.
async function foreignCheck(a, api, action, tok2, foreignArgs, unknownArgs, status, code) {
  await a.step('foreign', async () => {
    const f = await api.call(action, tok2, ...foreignArgs);
    const u = await api.call(action, tok2, ...unknownArgs);
    expectSameAs(f, u, status, code);
  });
}

// need throws when a value an earlier step should have produced is missing.
function need(v, what) {
  if (v === undefined || v === null || v === '') throw new Error(`setup failed: no ${what}`);
  return v;
}

function eq(got, want, what) {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function httpGet(url, wantStatus = 200) {
  const r = await fetch(url, { redirect: 'manual' });
  const buf = Buffer.from(await r.arrayBuffer());
  if (r.status !== wantStatus) throw new Error(`GET ${url}: HTTP ${r.status}, want ${wantStatus}`);
  return { status: r.status, headers: r.headers, body: buf };
}

module.exports = { INVALID, paramCode, authChecks, missingChecks, pathIdChecks, foreignCheck, without, need, eq, httpGet };
