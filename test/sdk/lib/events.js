'use strict';
// The events the gateway pushes to the ISV's noticeUrl, read by the local
// endpoint exactly as DingTalk's page "e签宝事件" documents them
// (env.js parseEvent): SIGN with each status and CORP_AUTH SUCCESS after
// corp 2's consent (auth.js cancel). Runs last.

const { expectOK } = require('./harness');
const { need } = require('./checks');
const { processBody } = require('./flows');
const { pathAfter, uid } = require('./env');

// flowOf starts a flow for corp 1 and returns its task and e签宝 flow id
// and the signer's account.
async function flowOf(ctx) {
  const { e2, S } = ctx;
  const body = processBody(S, need(S.file2 && S.file2.fileId, 'uploaded file'), uid('inst'));
  const b = expectOK(e2, 'CreateProcess', await e2.call('CreateProcess', S.T1, e2.request('CreateProcess', body)));
  const x = expectOK(e2, 'GetExecuteUrl', await e2.call('GetExecuteUrl', S.T1, e2.request('GetExecuteUrl', { taskId: b.taskId, account: 'u-signer', signContainer: 2 })));
  return { taskId: b.taskId, flowId: pathAfter(x.longUrl, 'sign'), account: new URL(x.longUrl).searchParams.get('account') };
}

// waitFor polls the received events until cond holds, for up to 20 s.
async function waitFor(ctx, what, cond) {
  for (let i = 0; i < 200; i++) {
    if (cond(ctx.local.events)) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no ${what} after 20 s; received ${JSON.stringify(ctx.local.events).slice(0, 600)}`);
}

async function run(ctx) {
  const { R, S, control } = ctx;
  const a = R.action('events.noticeUrl');
  const revoked = await a.step('revoke', async () => {
    const f = await flowOf(ctx);
    await control.revoke(f.flowId, '不签了');
    return f.taskId;
  });
  const refused = await a.step('refuse', async () => {
    const f = await flowOf(ctx);
    await control.refuse(f.flowId, need(f.account, 'signer account'), '条款不同意');
    return f.taskId;
  });
  await control.callbacksDone();
  const has = (task, action, status) => (evs) => evs.some((e) => e.taskId === task && e.action === action && e.status === status);
  await a.step('SIGN RUNNING', () => waitFor(ctx, 'SIGN RUNNING', has(need(S.task, 'task'), 'SIGN', 'RUNNING')));
  await a.step('SIGN FINISH', () => waitFor(ctx, 'SIGN FINISH with finishTime', (evs) => evs.some((e) => e.taskId === S.task && e.status === 'FINISH' && e.finishTime > 1e12)));
  await a.step('SIGN REVOKE', () => waitFor(ctx, 'SIGN REVOKE', has(need(revoked, 'revoked task'), 'SIGN', 'REVOKE')));
  await a.step('SIGN REFUSE', () => waitFor(ctx, 'SIGN REFUSE', has(need(refused, 'refused task'), 'SIGN', 'REFUSE')));
  await a.step('CORP_AUTH SUCCESS', () => waitFor(ctx, 'CORP_AUTH SUCCESS for corp 2',
    (evs) => evs.some((e) => e.path.endsWith('/corp2') && e.action === 'CORP_AUTH' && e.status === 'SUCCESS')));
  await a.step('documented bodies', async () => {
    const bad = ctx.local.events.filter((e) => e.error);
    if (bad.length) throw new Error(`bodies not as documented: ${bad.map((e) => e.error).join(' | ')}`);
  });
  await a.step('no event after the end', async () => {
    const late = ctx.local.events.filter((e) => e.taskId === S.task && e.action === 'SIGN');
    const end = late.findIndex((e) => e.status === 'FINISH');
    if (end >= 0 && end !== late.length - 1) throw new Error(`events after FINISH: ${JSON.stringify(late.slice(end + 1))}`);
  });
}

module.exports = { run };
