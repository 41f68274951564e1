'use strict';
// Corp and user: console address (v1 sends it in a header, contract §1.9),
// real-name pages completed through the emulator, then user and corp info
// showing the real-name state, and corp isolation of user ids.

const { expectOK } = require('./harness');
const { authChecks, missingChecks, pathIdChecks, need, eq } = require('./checks');
const { pathAfter, uid } = require('./env');

const CONSOLE_HEADER = 'x-esign-org-console-url';

async function consoles(ctx) {
  const { e1, e2, R, S } = ctx;
  let a = R.action('esign_2_0.GetCorpConsole');
  const url2 = await a.step('success', async () => {
    const b = expectOK(e2, 'GetCorpConsole', await e2.call('GetCorpConsole', need(S.T1, 'token')));
    pathAfter(b.orgConsoleUrl, 'console');
    return b.orgConsoleUrl;
  });
  await authChecks(a, e2, 'GetCorpConsole');

  a = R.action('esign_1_0.CorpConsole');
  const r = await a.step('success', async () => {
    // The SDK models data.orgConsoleUrl as a number: the gateway omits it
    // and sends the address in a response header instead.
    const res = await e1.call('CorpConsole', S.T1);
    expectOK(e1, 'CorpConsole', res, { absent: ['body.data.orgConsoleUrl'] });
    return res;
  });
  await a.step('header', () => {
    const h = need(r, 'CorpConsole answer').res.headers[CONSOLE_HEADER];
    if (!h) throw new Error(`response header ${CONSOLE_HEADER} missing (headers: ${Object.keys(r.res.headers).join(',')})`);
    eq(h, need(url2, 'GetCorpConsole address'), `${CONSOLE_HEADER} vs GetCorpConsole.orgConsoleUrl`);
  });
  await authChecks(a, e1, 'CorpConsole');
}

// realname runs one real-name page action and completes its identity flow.
async function realname(ctx, api, action, userId) {
  const { R, S, control } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const body = { userId, redirectUrl: `${S.local}/realname-done` };
  const start = async (b) => {
    const res = expectOK(api, action, await api.call(action, need(S.T1, 'token'), api.request(action, b)));
    const d = api.name === 'esign_1_0' ? res.data : res;
    need(d.taskId, 'taskId');
    need(d.mobileUrl, 'mobileUrl');
    await control.completeIdentity(pathAfter(d.pcUrl, 'identity'), true);
    return true;
  };
  let done = await a.step('success', () => start(body));
  if (!done) {
    // Still complete an identity flow (without the optional redirectUrl) so
    // that the info actions are judged on their own.
    done = await start({ userId }).catch((e) => R.setup(`${action} without redirectUrl: ${e.message}`));
  }
  await missingChecks(a, api, action, S.T1, body, ['userId']);
  await authChecks(a, api, action, api.request(action, body));
  return done;
}

async function userInfo(ctx, api, userId, ready) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.GetUserInfo`);
  const v1 = api.name === 'esign_1_0';
  const real = (d) => (v1 ? d.realName : d.isRealName);
  await a.step('success', async () => {
    need(ready, `real-name flow of ${userId}`);
    const b = expectOK(api, 'GetUserInfo', await api.call('GetUserInfo', S.T1, userId));
    const d = v1 ? b.data : b;
    eq(real(d), v1 ? true : 'true', 'real-name state after the identity flow');
    need(d.userRealName, 'userRealName');
  });
  await pathIdChecks(a, api, 'GetUserInfo', S.T1, 'userId');
  await a.step('foreign', async () => {
    // Corp 2 asking for corp 1's user sees a user of its own, exactly like
    // any user id it never used: not real-named, not corp 1's record.
    const f = expectOK(api, 'GetUserInfo', await api.call('GetUserInfo', S.T2, userId));
    const fresh = uid('u-new');
    const u = expectOK(api, 'GetUserInfo', await api.call('GetUserInfo', S.T2, fresh));
    const fd = v1 ? f.data : f;
    const ud = v1 ? u.data : u;
    eq(real(fd), real(ud), 'real-name state of the foreign user vs a new one');
    eq(real(fd), v1 ? false : 'false', 'real-name state of corp 1\'s user seen by corp 2');
    // Neither has a name: the gateway makes accounts without one, and
    // e签宝 learns it when the person real-names.
    eq(fd.userRealName, '', 'name of the foreign user');
    eq(ud.userRealName, '', 'name of a new user');
  });
  await authChecks(a, api, 'GetUserInfo', userId);
}

async function corpInfo(ctx, api, action, ready) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const v1 = api.name === 'esign_1_0';
  await a.step('success', async () => {
    need(ready, 'corp real-name flow');
    const b = expectOK(api, action, await api.call(action, S.T1));
    const d = v1 ? b.data : b;
    eq(v1 ? d.realName : d.isRealName, v1 ? true : 'true', 'real-name state after the identity flow');
    need(d.orgRealName, 'orgRealName');
  });
  await a.step('isolation', async () => {
    const b = expectOK(api, action, await api.call(action, S.T2));
    const d = v1 ? b.data : b;
    eq(v1 ? d.realName : d.isRealName, v1 ? false : 'false', 'corp 2 real-name state');
  });
  await authChecks(a, api, action);
}

async function run(ctx) {
  const { e1, e2, control } = ctx;
  const u1 = uid('u-real1');
  const u2 = uid('u-real2');
  const r1 = await realname(ctx, e1, 'GetUserRealnameUrl', u1);
  const r2 = await realname(ctx, e2, 'UsersRealname', u2);
  await userInfo(ctx, e1, u1, r1);
  await userInfo(ctx, e2, u2, r2);
  const c1 = await realname(ctx, e1, 'GetCorpRealnameUrl', 'u-admin');
  const c2 = await realname(ctx, e2, 'CorpRealname', 'u-admin');
  await corpInfo(ctx, e1, 'CorpInfo', c1);
  await corpInfo(ctx, e2, 'GetCorpInfo', c2);
  // The corp is real-named with u-admin as its agent; it now authorizes the
  // ISV's e签宝 app (e签宝's own pages) for the console and approvals.
  await control.grant('dt-corp:ding-demo-corp', ['manage_org_resource', 'org_approval_info']);
  await consoles(ctx);
}

module.exports = { run };
