'use strict';
// Outage: with e签宝 answering 503 (the emulator's fault control), the
// three flow reads of the finished flow answer through the SDK from what
// the gateway holds, body shape unchanged, with the Age and
// X-Esigngw-Stale headers; a write fails fast with 503. Runs last: it
// leaves the gateway's breaker open.

const { expectOK, expectErr } = require('./harness');
const { need, eq } = require('./checks');

async function run(ctx) {
  const { e1, e2, R, S, control } = ctx;
  const task = need(S.task, 'taskId');
  await control.req('POST', '/_control/faults', { status: 503 });
  try {
    const reads = [
      [e2, 'GetFlowDetail', () => [task], (b) => eq(b.flowStatus, 2, 'flowStatus')],
      [e1, 'GetFlowDetail', () => [e1.request('GetFlowDetail', { taskId: task })], (b) => eq(b.data.flowStatus, 2, 'flowStatus')],
      [e2, 'GetSignDetail', () => [task], (b) => eq(b.signers.length, 2, 'signers')],
      [e1, 'GetFlowSignDetail', () => [e1.request('GetFlowSignDetail', { taskId: task })], (b) => eq(b.data.signers.length, 2, 'signers')],
      [e2, 'GetFlowDocs', () => [task], (b) => eq(b.data.length, 1, 'documents')],
      [e1, 'ListFlowDocs', () => [e1.request('ListFlowDocs', { taskId: task })], (b) => eq(b.data.length, 1, 'documents')],
    ];
    for (const [api, action, args, check] of reads) {
      await R.action(`${api.name}.${action}`).step('outage', async () => {
        // The demo's read cache (cache.ttl) may answer first, fresh and
        // without the headers; once it expires the held state answers.
        const end = Date.now() + 10000;
        for (;;) {
          const r = await api.call(action, S.T1, ...args());
          check(expectOK(api, action, r));
          const h = r.res.headers;
          if (h['x-esigngw-stale'] === 'true') {
            if (!/^\d+$/.test(h.age || '')) throw new Error(`Age ${h.age}, want whole seconds`);
            break;
          }
          if (h.age !== undefined) throw new Error(`Age ${h.age} on a fresh answer`);
          if (Date.now() > end) throw new Error('no answer from held state within 10 s of the outage');
          await new Promise((res) => { setTimeout(res, 100); });
        }
      });
    }
    // The reads' failures opened the breaker: a write fails fast.
    await R.action('esign_2_0.CreateProcess').step('outage', async () => {
      const body = {
        taskName: 'outage', initiatorUserId: 'u-init',
        files: [{ fileId: need(S.file2 && S.file2.fileId, 'fileId'), fileName: 'contract-v2.pdf', fileType: 1 }],
        participants: [{ accountType: 'DING_USER', userId: 'u-signer', accountName: '李四', signRequirements: '2', signOrder: 1 }],
      };
      expectErr(await e2.call('CreateProcess', S.T1, e2.request('CreateProcess', body)), 503, 'serviceBusy');
    });
  } finally {
    await control.req('DELETE', '/_control/faults');
  }
}

module.exports = { run };
