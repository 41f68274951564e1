'use strict';
// The three anonymous token endpoints. The demo configures a third-party
// enterprise app (isv_enterprise) with two corps and an internal app of the
// first corp: DingTalk's esign_2.0 pages take both app types, esign_1.0's
// third-party enterprise apps only. A suite token acts for no corp.

const { expectOK, expectErr } = require('./harness');
const { need } = require('./checks');

const SUITE_KEY = 'demo-suite-key';
const SUITE_SECRET = 'demo-suite-secret';
const INTERNAL_KEY = 'demo-internal-key';
const INTERNAL_SECRET = 'demo-internal-secret';
const CORP1 = 'ding-demo-corp';
const CORP2 = 'ding-demo-corp-2';

// corpToken gets a corp token through the SDK (throws on any failure).
async function corpToken(oauth, corpId) {
  const r = await oauth.call('GetCorpAccessToken', { authCorpId: corpId, suiteKey: SUITE_KEY, suiteSecret: SUITE_SECRET, suiteTicket: 'sdk-conformance' });
  const b = expectOK(oauth, 'GetCorpAccessToken', r);
  if (!b.accessToken) throw new Error(`no accessToken in ${JSON.stringify(r.raw)}`);
  if (b.expireIn !== 7200) throw new Error(`expireIn ${b.expireIn}, want 7200 (the demo's token_ttl)`);
  return b.accessToken;
}

async function run(ctx) {
  const { oauth, e2, R, S } = ctx;

  let a = R.action('oauth2_1_0.GetCorpAccessToken');
  S.T1 = await a.step('success', () => corpToken(oauth, CORP1));
  S.T2 = await a.step('success', () => corpToken(oauth, CORP2));
  await a.step('badkey', async () => {
    expectErr(await oauth.call('GetCorpAccessToken', { authCorpId: CORP1, suiteKey: 'no-such-suite', suiteSecret: SUITE_SECRET, suiteTicket: 't' }), 400, 'invalidSuiteKey');
    expectErr(await oauth.call('GetCorpAccessToken', { authCorpId: CORP1, suiteKey: SUITE_KEY, suiteSecret: 'wrong-secret', suiteTicket: 't' }), 400, 'invalidSuiteKey');
  });
  await a.step('badticket', async () => {
    expectErr(await oauth.call('GetCorpAccessToken', { authCorpId: CORP1, suiteKey: SUITE_KEY, suiteSecret: SUITE_SECRET, suiteTicket: '' }), 400, 'invalidSuiteTicket');
  });
  await a.step('badcorp', async () => {
    expectErr(await oauth.call('GetCorpAccessToken', { authCorpId: 'ding-not-authorized', suiteKey: SUITE_KEY, suiteSecret: SUITE_SECRET, suiteTicket: 't' }), 400, 'invalidAuthInfo');
  });

  a = R.action('oauth2_1_0.GetSuiteAccessToken');
  const suite = await a.step('success', async () => {
    const r = await oauth.call('GetSuiteAccessToken', { suiteKey: SUITE_KEY, suiteSecret: SUITE_SECRET, suiteTicket: 'sdk-conformance' });
    return expectOK(oauth, 'GetSuiteAccessToken', r).accessToken;
  });
  await a.step('forbidden', async () => {
    // A suite token acts for no corp: e签宝 actions answer 403 with accessdenieddetail.
    const e = expectErr(await e2.call('GetIsvStatus', need(suite, 'suite token')), 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied');
    const d = e.accessDeniedDetail;
    if (!d || !Array.isArray(d.requiredScopes) || d.requiredScopes.length === 0) throw new Error(`accessdenieddetail.requiredScopes missing: ${JSON.stringify(e.data)}`);
  });
  await a.step('badcreds', async () => {
    // dingtalk-contract.md §5.1: suiteAccessToken documents invalidClientIdOrSecret for wrong credentials.
    expectErr(await oauth.call('GetSuiteAccessToken', { suiteKey: SUITE_KEY, suiteSecret: 'wrong-secret', suiteTicket: 't' }), 400, 'invalidClientIdOrSecret');
    expectErr(await oauth.call('GetSuiteAccessToken', { suiteKey: 'no-such-suite', suiteSecret: 'x', suiteTicket: 't' }), 400, 'invalidClientIdOrSecret');
  });
  await a.step('badticket', async () => {
    expectErr(await oauth.call('GetSuiteAccessToken', { suiteKey: SUITE_KEY, suiteSecret: SUITE_SECRET, suiteTicket: '' }), 400, 'invalidSuiteTicket');
  });

  a = R.action('oauth2_1_0.GetAccessToken');
  const internal = await a.step('success', async () => {
    const r = await oauth.call('GetAccessToken', { appKey: INTERNAL_KEY, appSecret: INTERNAL_SECRET });
    return need(expectOK(oauth, 'GetAccessToken', r).accessToken, 'accessToken');
  });
  await a.step('esign_2.0', async () => {
    // An internal app's token works on esign_2.0 for its own corp...
    const b = expectOK(ctx.e2, 'GetIsvStatus', await ctx.e2.call('GetIsvStatus', need(internal, 'internal token')));
    if (b.installStatus !== 'OPEN') throw new Error(`installStatus ${b.installStatus}, want OPEN`);
  });
  await a.step('esign_1.0', async () => {
    // ...and esign_1.0's pages take third-party enterprise apps only.
    expectErr(await ctx.e1.call('GetCropStatus', need(internal, 'internal token')), 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied');
  });
  await a.step('badcreds', async () => {
    expectErr(await oauth.call('GetAccessToken', { appKey: 'no-such-app', appSecret: 'x' }), 400, 'invalidClientIdOrSecret');
  });
  await a.step('isvkey', async () => {
    // A third-party app's key does not get internal-app tokens.
    expectErr(await oauth.call('GetAccessToken', { appKey: SUITE_KEY, appSecret: SUITE_SECRET }), 400, 'invalidClientIdOrSecret');
  });
}

module.exports = { run, corpToken, CORP1, CORP2, SUITE_KEY, SUITE_SECRET };
