'use strict';
// Authorization: auth pages and the consent page, app status, ISV data
// init, and (last of the whole run, on corp 2 only) CancelCorpAuth in both
// versions: the old token is refused at once, a new one works, and the
// consent page authorizes the corp again so the demo stays reusable.

const { expectOK, expectErr } = require('./harness');
const { authChecks, need, eq, httpGet } = require('./checks');
const { corpToken, CORP2 } = require('./oauth');

async function authUrl(ctx, api, action) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const body = { redirectUrl: `${S.local}/authorized` };
  await a.step('success', async () => {
    const b = expectOK(api, action, await api.call(action, need(S.T1, 'token'), api.request(action, body)));
    const d = api.name === 'esign_1_0' ? b.data : b;
    need(d.taskId, 'taskId');
    const page = await httpGet(d.pcUrl);
    if (!page.body.toString().includes('ding-demo-corp')) throw new Error('consent page does not name the corp');
    await httpGet(d.mobileUrl);
  });
  await authChecks(a, api, action, api.request(action, body));
}

async function appStatus(ctx, api, action) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  await a.step('success', async () => {
    const b = expectOK(api, action, await api.call(action, need(S.T1, 'token')));
    const d = api.name === 'esign_1_0' ? b.data : b;
    // The pages' values: AUTH/UNAUTH, OPEN/CLOSE.
    eq(d.authStatus, 'AUTH', 'authStatus');
    eq(d.installStatus, 'OPEN', 'installStatus');
  });
  await authChecks(a, api, action);
}

async function developers(ctx) {
  const { e1, e2, R, S } = ctx;
  let a = R.action('esign_2_0.CreateDevelopers');
  const body = { noticeUrl: `${S.local}/dingtalk/events` };
  await a.step('success', async () => {
    const b = expectOK(e2, 'CreateDevelopers', await e2.call('CreateDevelopers', need(S.T1, 'token'), e2.request('CreateDevelopers', body)));
    eq(b.data, true, 'data');
  });
  await authChecks(a, e2, 'CreateDevelopers', e2.request('CreateDevelopers', body));

  a = R.action('esign_1_0.CreateDeveloper');
  // Declared GET with a body: the SDK drops the body, so nothing is required.
  const req = e1.request('CreateDeveloper', { redirectUrl: `${S.local}/back` });
  await a.step('success', async () => {
    const b = expectOK(e1, 'CreateDeveloper', await e1.call('CreateDeveloper', S.T1, req));
    eq(b.data, true, 'data');
  });
  await authChecks(a, e1, 'CreateDeveloper', req);
}

// authorizeCorp2 opens corp 2's consent page and agrees, if it is not
// authorized (after a cancel, or a previous run against the same demo):
// the page's POST (from the page's own origin) leads to e签宝's
// authorization page, where the admin agrees; e签宝's AUTHORIZE_FINISH
// callback authorizes the corp, and the admin returns to the page.
async function authorizeCorp2(ctx, tok) {
  const { e2, control } = ctx;
  const st = expectOK(e2, 'GetIsvStatus', await e2.call('GetIsvStatus', tok));
  if (st.authStatus === 'AUTH') return;
  const b = expectOK(e2, 'GetAuthUrl', await e2.call('GetAuthUrl', tok, e2.request('GetAuthUrl', {})));
  const r = await fetch(b.pcUrl, { method: 'POST', redirect: 'manual', headers: { origin: new URL(b.pcUrl).origin } });
  const next = r.headers.get('location') || '';
  const flow = next ? new URL(next).searchParams.get('authFlowId') : null;
  if (r.status !== 303 || !flow) throw new Error(`consent POST: HTTP ${r.status} to ${next}, want 303 to e签宝's authorization page`);
  await control.completeAuthFlow(flow, true, '钉钉演示企业二');
  await control.callbacksDone();
  const back = await fetch(b.pcUrl);
  if (back.status !== 200) throw new Error(`consent page after e签宝: HTTP ${back.status}`);
  const after = expectOK(e2, 'GetIsvStatus', await e2.call('GetIsvStatus', tok));
  eq(after.authStatus, 'AUTH', 'corp 2 authStatus after consent');
}

async function cancelOne(ctx, api, tok) {
  const { R, oauth } = ctx;
  const a = R.action(`${api.name}.CancelCorpAuth`);
  const args = api.name === 'esign_2_0' ? [api.request('CancelCorpAuth', {})] : [];
  await authChecks(a, api, 'CancelCorpAuth', ...args);
  const ok = await a.step('success', async () => {
    const b = expectOK(api, 'CancelCorpAuth', await api.call('CancelCorpAuth', need(tok, 'corp 2 token'), ...args));
    eq(api.name === 'esign_1_0' ? b.data.result : b.result, true, 'result');
    return true;
  });
  await a.step('revoked', async () => {
    need(ok, 'cancel');
    expectErr(await ctx.e2.call('GetIsvStatus', tok), 400, 'InvalidAuthentication');
    expectErr(await ctx.e1.call('GetCropStatus', tok), 400, 'InvalidAuthentication');
  });
  return a.step('renewed', async () => {
    need(ok, 'cancel');
    const fresh = await corpToken(oauth, CORP2);
    const st = expectOK(ctx.e2, 'GetIsvStatus', await ctx.e2.call('GetIsvStatus', fresh));
    if (st.authStatus !== 'UNAUTH') throw new Error(`authStatus ${st.authStatus} after CancelCorpAuth, want UNAUTH`);
    return fresh;
  });
}

async function run(ctx) {
  const { e1, e2, S, R } = ctx;
  try {
    await authorizeCorp2(ctx, need(S.T2, 'corp 2 token'));
  } catch (e) {
    R.setup(`authorizing corp 2 first: ${e.message}`);
  }
  await authUrl(ctx, e2, 'GetAuthUrl');
  await authUrl(ctx, e1, 'AuthUrl');
  await appStatus(ctx, e2, 'GetIsvStatus');
  await appStatus(ctx, e1, 'GetCropStatus');
  await developers(ctx);
}

// cancel runs last: both versions on corp 2, then corp 2 consents again.
async function cancel(ctx) {
  const { e1, e2, R, S } = ctx;
  const t2b = await cancelOne(ctx, e2, S.T2);
  const t2c = await cancelOne(ctx, e1, t2b);
  // Corp 2's consent is pushed as CORP_AUTH SUCCESS (events.js checks it).
  await R.action('esign_2_0.CreateDevelopers').step('corp 2 noticeUrl', async () => {
    expectOK(e2, 'CreateDevelopers', await e2.call('CreateDevelopers', need(t2c, 'renewed corp 2 token'),
      e2.request('CreateDevelopers', { noticeUrl: `${S.local}/dingtalk/events/corp2` })));
  });
  await R.action('esign_2_0.GetAuthUrl').step('consent', () => authorizeCorp2(ctx, need(t2c, 'renewed corp 2 token')));
}

module.exports = { run, cancel };
