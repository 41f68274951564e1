'use strict';
// Official-SDK conformance run: drives every esign_1.0 (20) and esign_2.0
// (22) action, and the token endpoints, through @alicloud/dingtalk 2.2.27
// against a running `esign-gateway demo`.
//
//   GATEWAY=127.0.0.1:8080 ESIGN=http://127.0.0.1:9090 node run.js
//
// GATEWAY is the gateway's host:port (the SDK wants no scheme); ESIGN is
// the base URL of the demo's e签宝 emulator, whose /_control/ API plays the
// signers, approvers and identity checks. Prints one line per action, then
// "N passed, M failed"; exits 1 on any failure.

const { Api, Oauth, Report, esign1, esign2 } = require('./lib/harness');
const { Control, localEndpoint } = require('./lib/env');

const GATEWAY = process.env.GATEWAY || '127.0.0.1:8080';
const ESIGN = process.env.ESIGN || 'http://127.0.0.1:9090';

// catalogue lists every action the SDK has, in the contract's order
// (alphabetical), so an action no scenario reached is reported as a failure.
function catalogue() {
  const names = (name, mod) => Object.getOwnPropertyNames(mod.default.prototype)
    .filter((m) => m.endsWith('WithOptions'))
    .map((m) => `${name}.${m[0].toUpperCase()}${m.slice(1, -'WithOptions'.length)}`)
    .sort();
  return [
    'oauth2_1_0.GetAccessToken', 'oauth2_1_0.GetCorpAccessToken', 'oauth2_1_0.GetSuiteAccessToken',
    ...names('esign_1_0', esign1), ...names('esign_2_0', esign2),
  ];
}

async function main() {
  if (/^[a-z]+:\/\//i.test(GATEWAY)) throw new Error(`GATEWAY must be host:port without a scheme, got ${GATEWAY}`);
  const local = await localEndpoint();
  const ctx = {
    R: new Report(),
    S: { local: local.base },
    local,
    oauth: new Oauth(GATEWAY),
    e1: new Api('esign_1_0', esign1, GATEWAY),
    e2: new Api('esign_2_0', esign2, GATEWAY),
    control: new Control(ESIGN),
  };
  const order = catalogue();
  // The contract has 42 esign actions; an SDK with another count is not the
  // one this suite checks against, and the run fails (a missing action would
  // otherwise pass unnoticed: coverage only sees actions the SDK lists).
  const want = 42;
  const esignActions = order.length - 3;
  if (esignActions !== want) ctx.R.action('sdk.Catalogue').fail('count', `SDK lists ${esignActions} esign actions, want ${want}`);
  const phases = [
    ['oauth', () => require('./lib/oauth').run(ctx)],
    ['files', () => require('./lib/files').run(ctx)],
    ['auth', () => require('./lib/auth').run(ctx)],
    ['corps', () => require('./lib/corps').run(ctx)],
    ['flows', () => require('./lib/flows').run(ctx)],
    ['orders', () => require('./lib/orders').run(ctx)],
    ['cancel', () => require('./lib/auth').cancel(ctx)],
    ['events', () => require('./lib/events').run(ctx)],
    ['outage', () => require('./lib/outage').run(ctx)], // last: leaves the breaker open
  ];
  for (const [name, phase] of phases) {
    try {
      await phase();
    } catch (e) {
      ctx.R.setup(`phase ${name} crashed: ${e && e.stack ? e.stack : e}`);
    }
  }
  await local.close();
  const failed = ctx.R.print(order);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
