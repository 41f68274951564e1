'use strict';
// Flows: CreateProcess with a personal signer and a corp-seal signer, the
// signing pages, a seal approval and both signatures driven through the
// emulator, then every read of the finished flow in both versions, the
// approval instance's attachments, and the two start-page actions.

const crypto = require('crypto');
const { expectOK, expectErr } = require('./harness');
const { INVALID, paramCode, authChecks, missingChecks, pathIdChecks, foreignCheck, need, eq, httpGet } = require('./checks');
const { pathAfter, uid } = require('./env');

const unknownTask = () => `tk${crypto.randomBytes(16).toString('hex')}`;

function processBody(S, fileId, inst) {
  return {
    taskName: 'SDK一致性测试合同',
    initiatorUserId: 'u-init',
    files: [{ fileId, fileName: 'contract-v2.pdf', fileType: 1 }],
    participants: [
      {
        accountType: 'DING_USER', userId: 'u-signer', accountName: '李四', signRequirements: '2', signOrder: 1,
        signPosList: [{ fileId, page: '1', x: 120, y: 300, isCrossPage: false, needSignDate: true, signDate: { format: 'yyyy-MM-dd' }, signRequirement: '2' }],
      },
      { accountType: 'DING_USER', userId: 'u-sealer', accountName: '王五', orgName: '演示企业', signRequirements: '1', signOrder: 1 },
    ],
    ccs: [{ accountType: 'DING_USER', userId: 'u-cc', accountName: '赵六' }],
    sourceInfo: { pcUrl: `https://aflow.dingtalk.com/dingtalk/pc/query/pchomepage.htm?procInstId=${inst}`, mobileUrl: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm#/detail?procInstId=${inst}`, showText: '用印申请' },
    redirectUrl: `${S.local}/signed`,
    signEndTime: Date.now() + 7 * 24 * 3600 * 1000,
  };
}

async function createProcess(ctx) {
  const { e2, R, S } = ctx;
  const a = R.action('esign_2_0.CreateProcess');
  S.inst = uid('inst');
  const fileId = S.file2 && S.file2.fileId;
  const body = processBody(S, fileId, S.inst);
  S.task = await a.step('success', async () => {
    const b = expectOK(e2, 'CreateProcess', await e2.call('CreateProcess', need(S.T1, 'token'), e2.request('CreateProcess', body)));
    return need(b.taskId, 'taskId');
  });
  await missingChecks(a, e2, 'CreateProcess', S.T1, body, ['taskName', 'initiatorUserId', 'files', 'files[0].fileId', 'files[0].fileName',
    'files[0].fileType', 'participants', 'participants[0].accountType', 'participants[0].signRequirements', 'ccs[0].accountType']);
  await foreignCheck(a, e2, 'CreateProcess', S.T2, [e2.request('CreateProcess', processBody(S, fileId, uid('inst')))],
    [e2.request('CreateProcess', processBody(S, crypto.randomBytes(16).toString('hex'), uid('inst')))], 400, 'requestParamError');
  await authChecks(a, e2, 'CreateProcess', e2.request('CreateProcess', body));
}

async function signingPages(ctx) {
  const { e1, e2, R, S } = ctx;
  let a = R.action('esign_2_0.GetExecuteUrl');
  const exec = async (account) => {
    const b = expectOK(e2, 'GetExecuteUrl', await e2.call('GetExecuteUrl', S.T1, e2.request('GetExecuteUrl', { taskId: need(S.task, 'taskId'), account, signContainer: 2 })));
    const u = new URL(b.longUrl);
    return { flowId: pathAfter(b.longUrl, 'sign'), accountId: need(u.searchParams.get('account'), 'account in longUrl') };
  };
  const s1 = await a.step('success', () => exec('u-signer'));
  const s2 = await a.step('success', () => exec('u-sealer'));
  // signContainer 1 (the default) is DingTalk's container: pcUrl/mobileUrl, no browser URLs.
  await a.step('success', async () => {
    const b = expectOK(e2, 'GetExecuteUrl', await e2.call('GetExecuteUrl', S.T1, e2.request('GetExecuteUrl', { taskId: need(S.task, 'taskId'), account: 'u-signer', signContainer: 1 })));
    if (!b.pcUrl || !b.mobileUrl || b.longUrl || b.shortUrl) throw new Error(`signContainer 1: want pcUrl/mobileUrl only, got ${JSON.stringify(b)}`);
  });
  if (s1 && s2) {
    S.flowId = s1.flowId;
    S.acctSigner = s1.accountId;
    S.acctSealer = s2.accountId;
  }
  await a.step('notparticipant', async () => {
    expectErr(await e2.call('GetExecuteUrl', S.T1, e2.request('GetExecuteUrl', { taskId: need(S.task, 'taskId'), account: 'u-nobody' })), 400, 'getSignUrlError');
  });
  await missingChecks(a, e2, 'GetExecuteUrl', S.T1, { taskId: S.task || 'x', account: 'u-signer' }, ['taskId']);
  await foreignCheck(a, e2, 'GetExecuteUrl', S.T2, [e2.request('GetExecuteUrl', { taskId: S.task || 'x' })],
    [e2.request('GetExecuteUrl', { taskId: unknownTask() })], 400, 'getFlowInfoError');
  await authChecks(a, e2, 'GetExecuteUrl', e2.request('GetExecuteUrl', { taskId: S.task || 'x' }));

  a = R.action('esign_1_0.GetSignNoticeUrl');
  await a.step('success', async () => {
    const b = expectOK(e1, 'GetSignNoticeUrl', await e1.call('GetSignNoticeUrl', S.T1, e1.request('GetSignNoticeUrl', { taskId: need(S.task, 'taskId') })));
    eq(pathAfter(b.data.pcUrl, 'sign'), need(S.flowId, 'flowId'), 'flow of pcUrl');
  });
  await missingChecks(a, e1, 'GetSignNoticeUrl', S.T1, { taskId: S.task || 'x' }, ['taskId']);
  await foreignCheck(a, e1, 'GetSignNoticeUrl', S.T2, [e1.request('GetSignNoticeUrl', { taskId: S.task || 'x' })],
    [e1.request('GetSignNoticeUrl', { taskId: unknownTask() })], 400, INVALID);
  await authChecks(a, e1, 'GetSignNoticeUrl', e1.request('GetSignNoticeUrl', { taskId: S.task || 'x' }));
}

// finishFlow: the corp's seal approval is opened and passed, both signers
// sign, and the flow (autoArchive) completes with status 2.
async function finishFlow(ctx) {
  const { e2, control, S } = ctx;
  const b = expectOK(e2, 'GetCorpConsole', await e2.call('GetCorpConsole', S.T1));
  S.orgId = pathAfter(b.orgConsoleUrl, 'console');
  const flowId = need(S.flowId, 'flowId');
  const approval = await control.addSealApproval(flowId, S.orgId, 1);
  await control.setApproval(approval, 2);
  // The signer opens the flow first: e签宝 reports the read (logType 8).
  await control.markRead(flowId, need(S.acctSigner, 'signer account'));
  await control.sign(flowId, need(S.acctSigner, 'signer account'));
  await control.sign(flowId, need(S.acctSealer, 'sealer account'));
  const st = await control.flowStatus(flowId);
  if (st !== 2) throw new Error(`flow status ${st} after both signatures, want 2`);
  await control.callbacksDone();
  S.flowDone = true;
}

// readAction runs a read of the finished flow in one version: success with
// the check, missing/malformed task id, foreign task, tokens.
async function readAction(ctx, api, action, check) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const v1 = api.name === 'esign_1_0';
  const args = (id) => (v1 ? [api.request(action, { taskId: id })] : [id]);
  await a.step('success', async () => {
    need(S.flowDone, 'finished flow');
    const b = expectOK(api, action, await api.call(action, S.T1, ...args(S.task)));
    await check(v1 ? b.data : b);
  });
  if (v1) await missingChecks(a, api, action, S.T1, { taskId: S.task || 'x' }, ['taskId']);
  else await pathIdChecks(a, api, action, S.T1, 'taskId');
  await foreignCheck(a, api, action, S.T2, args(S.task || 'x'), args(unknownTask()), 400, unknownTaskCode[`${api.name}.${action}`] || INVALID);
  await authChecks(a, api, action, ...args(S.task || 'x'));
}

// unknownTaskCode is what each esign_2.0 read's page documents for a task
// that is not the caller's; esign_1.0 has invalidAguemnts for everything.
const unknownTaskCode = {
  'esign_2_0.GetFlowDetail': 'flowNotExists',
  'esign_2_0.GetSignDetail': 'flowNotExists',
  'esign_2_0.GetFlowDocs': 'getFlowInfoError',
  'esign_2_0.ApprovalList': 'getFlowInfoError',
};

async function reads(ctx) {
  const { e1, e2, S } = ctx;
  const detail = (scene) => async (d) => {
    eq(d.flowStatus, 2, 'flowStatus');
    eq(d[scene], 'SDK一致性测试合同', scene);
    // The initiator named no name and has not real-named: none to show.
    eq(d.initiatorName, '', 'initiatorName');
    // DingTalk's log types: 1 创建流程, 4 开启流程, 8 查看流程, 23 签署 (one
    // per signer), 7 归档流程.
    const types = d.logs.map((l) => l.logType).sort();
    eq(JSON.stringify(types), JSON.stringify(['1', '23', '23', '4', '7', '8']), 'logTypes');
    const byType = (t) => d.logs.filter((l) => l.logType === t);
    eq(byType('8')[0].operatorAccountName, '李四', 'who read');
    if (!byType('23').some((l) => l.operatorAccountName === '李四')) throw new Error('no signature (23) by 李四');
  };
  await readAction(ctx, e2, 'GetFlowDetail', detail('businessScene'));
  await readAction(ctx, e1, 'GetFlowDetail', detail('businessSense'));
  const signers = async (d) => {
    eq(d.flowStatus, 2, 'flowStatus');
    eq(d.signers.length, 2, 'signers');
    for (const s of d.signers) eq(s.signStatus, 2, `signStatus of ${s.signerName}`);
  };
  await readAction(ctx, e2, 'GetSignDetail', signers);
  await readAction(ctx, e1, 'GetFlowSignDetail', signers);
  const docs = async (list) => {
    eq(list.length, 1, 'documents');
    eq(list[0].fileId, S.file2.fileId, 'fileId');
    const r = await httpGet(list[0].fileUrl);
    if (!r.body.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('fileUrl is not a PDF');
  };
  await readAction(ctx, e2, 'GetFlowDocs', (b) => docs(b.data));
  await readAction(ctx, e1, 'ListFlowDocs', docs);
  const approvals = (timeType) => async (list) => {
    eq(list.length, 1, 'approvals');
    eq(list[0].status, 'AGREED', 'status');
    eq(list[0].approvalNodes[0].status, 'AGREED', 'node status');
    if (!list[0].approvalNodes.length) throw new Error('no approval nodes');
    if (typeof list[0].approvalNodes[0].approvalTime !== timeType) throw new Error('approvalTime type');
  };
  await readAction(ctx, e2, 'ApprovalList', (b) => approvals('string')(b.data));
  await readAction(ctx, e1, 'ListSealApproval', approvals('number'));
}

async function attachments(ctx) {
  const { e2, R, S } = ctx;
  const a = R.action('esign_2_0.GetAttachsApproval');
  await a.step('success', async () => {
    need(S.flowDone, 'finished flow');
    const b = expectOK(e2, 'GetAttachsApproval', await e2.call('GetAttachsApproval', S.T1, S.inst));
    eq(b.data.length, 1, 'linked tasks');
    eq(b.data[0].flowId, S.flowId, 'flowId');
    eq(b.data[0].status, '2', 'status');
    eq(b.data[0].files[0].fileName, 'contract-v2.pdf', 'fileName');
    await httpGet(b.data[0].files[0].originalFileUrl);
    await httpGet(need(b.data[0].files[0].signFinishFileUrl, 'signFinishFileUrl'));
  });
  await pathIdChecks(a, e2, 'GetAttachsApproval', S.T1, 'instanceId');
  // No page documents this action: esign_2.0's parameter code.
  await foreignCheck(a, e2, 'GetAttachsApproval', S.T2, [S.inst], [uid('inst')], 400, 'requestParamError');
  await authChecks(a, e2, 'GetAttachsApproval', S.inst);
}

// startAction: GetProcessStartUrl / ProcessStart give the gateway's start page.
async function startAction(ctx, api, action, required) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const fileId = S.file2 && S.file2.fileId;
  const body = (fid) => ({
    taskName: '发起页测试', initiatorUserId: 'u-init', autoStart: 'false', redirectUrl: `${S.local}/started`,
    files: [{ fileId: fid, fileName: 'contract-v2.pdf' }],
    participants: [{ accountType: 'DING_USER', userId: 'u-signer', accountName: '李四', signRequirements: '2' }],
    ccs: [{ accountType: 'DING_USER', userId: 'u-cc' }],
    sourceInfo: { pcUrl: 'https://aflow.dingtalk.com/pc', mobileUrl: 'https://aflow.dingtalk.com/m', showText: '来源' },
  });
  const start = async (b) => {
    const res = expectOK(api, action, await api.call(action, S.T1, api.request(action, b)));
    const d = api.name === 'esign_1_0' ? res.data : res;
    need(d.taskId, 'taskId');
    const page = await httpGet(d.pcUrl);
    if (!String(page.headers.get('content-type')).startsWith('text/html')) throw new Error('pcUrl is not a page');
    await httpGet(d.mobileUrl);
    return d;
  };
  let d = await a.step('success', () => start(body(need(fileId, 'fileId'))));
  if (!d && fileId) {
    // Get a start page without the optional redirectUrl, so that starting
    // the flow from it is still judged.
    d = await start({ ...body(fileId), redirectUrl: undefined }).catch((e) => R.setup(`${action} without redirectUrl: ${e.message}`));
  }
  await a.step('startpage', async () => {
    // One click on the start page starts the prepared flow (status 0 -> 1);
    // a browser on the page sends the page's own Origin, which the gateway requires.
    const before = expectOK(ctx.e2, 'GetFlowDetail', await ctx.e2.call('GetFlowDetail', S.T1, need(d, 'start page').taskId));
    eq(before.flowStatus, 0, 'flowStatus before the start page');
    const r = await fetch(d.pcUrl, { method: 'POST', redirect: 'manual', headers: { origin: new URL(d.pcUrl).origin } });
    if (r.status !== 200 && r.status !== 303) throw new Error(`POST start page: HTTP ${r.status}`);
    const after = expectOK(ctx.e2, 'GetFlowDetail', await ctx.e2.call('GetFlowDetail', S.T1, d.taskId));
    eq(after.flowStatus, 1, 'flowStatus after the start page');
  });
  await missingChecks(a, api, action, S.T1, body(fileId || 'x'), required);
  await foreignCheck(a, api, action, S.T2, [api.request(action, body(fileId || 'x'))],
    [api.request(action, body(crypto.randomBytes(16).toString('hex')))], 400, paramCode(api, action));
  await authChecks(a, api, action, api.request(action, body(fileId || 'x')));
}

async function run(ctx) {
  const { e1, e2, R } = ctx;
  await createProcess(ctx);
  await signingPages(ctx);
  try {
    await finishFlow(ctx);
  } catch (e) {
    R.setup(`driving the flow to completion: ${e.message}`);
  }
  await reads(ctx);
  await attachments(ctx);
  await startAction(ctx, e2, 'ProcessStart', ['files', 'files[0].fileId', 'files[0].fileName', 'initiatorUserId', 'participants[0].accountType', 'ccs[0].accountType']);
  await startAction(ctx, e1, 'GetProcessStartUrl', ['files', 'files[0].fileId', 'files[0].fileName', 'initiatorUserId']);
}

module.exports = { run, processBody };
