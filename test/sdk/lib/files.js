'use strict';
// Files: upload address (both versions), the PUT of a real PDF, and the
// file detail (both versions), each file owned by corp 1.

const crypto = require('crypto');
const { expectOK, expectErr } = require('./harness');
const { paramCode, authChecks, missingChecks, pathIdChecks, foreignCheck, need, eq } = require('./checks');
const { makePdf, md5b64, upload } = require('./env');

// uploadFile runs one upload action and PUTs the bytes; returns the fileId.
async function uploadFile(api, action, tok, name, pdf) {
  const body = { contentMd5: md5b64(pdf), contentType: 'application/pdf', convert2Pdf: false, fileName: name, fileSize: pdf.length };
  const b = expectOK(api, action, await api.call(action, tok, api.request(action, body)));
  const data = api.name === 'esign_1_0' ? b.data : b;
  await upload(data.uploadUrl, pdf, 'application/pdf');
  return data.fileId;
}

async function uploadAction(ctx, api, action, required, name) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const pdf = makePdf(`SDK conformance ${name}`);
  const body = { contentMd5: md5b64(pdf), contentType: 'application/pdf', convert2Pdf: false, fileName: name, fileSize: pdf.length };
  const fileId = await a.step('success', () => uploadFile(api, action, need(S.T1, 'corp 1 token'), name, pdf));
  await missingChecks(a, api, action, S.T1, body, required);
  await a.step('wrongtype', async () => {
    const r = await api.call(action, S.T1, api.request(action, { ...body, fileSize: 'large' }));
    expectErr(r, 400, paramCode(api, action), 'fileSize');
  });
  await authChecks(a, api, action, api.request(action, body));
  return { fileId, name, size: pdf.length, pdf };
}

async function fileAction(ctx, api, action, file) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  await a.step('success', async () => {
    const b = expectOK(api, action, await api.call(action, S.T1, need(file.fileId, 'uploaded fileId')));
    const d = api.name === 'esign_1_0' ? b.data : b;
    eq(d.fileId, file.fileId, 'fileId');
    eq(d.name, file.name, 'name');
    eq(d.size, file.size, 'size');
    eq(d.pdfTotalPages, 1, 'pdfTotalPages');
    const r = await fetch(d.downloadUrl);
    const got = Buffer.from(await r.arrayBuffer());
    if (r.status !== 200 || !got.equals(file.pdf)) throw new Error(`downloadUrl: HTTP ${r.status}, ${got.length} bytes, want the uploaded ${file.size}`);
  });
  await pathIdChecks(a, api, action, S.T1, 'fileId');
  const unknown = crypto.randomBytes(16).toString('hex');
  // The pages' codes for a file that is not the caller's corp's.
  const code = api.name === 'esign_1_0' ? 'invalidRequest.invalidAguemnts' : 'getFileInfoError';
  await foreignCheck(a, api, action, S.T2, [file.fileId], [unknown], 400, code);
  await authChecks(a, api, action, file.fileId || 'x');
}

async function run(ctx) {
  const { e1, e2, S } = ctx;
  S.file2 = await uploadAction(ctx, e2, 'GetFileUploadUrl', ['contentMd5', 'contentType', 'fileName', 'fileSize'], 'contract-v2.pdf');
  S.file1 = await uploadAction(ctx, e1, 'GetUploadUrl', ['contentMd5', 'contentType', 'convert2Pdf', 'fileName', 'fileSize'], 'contract-v1.pdf');
  await fileAction(ctx, e2, 'GetFileInfo', S.file2);
  await fileAction(ctx, e1, 'GetFile', S.file1);
}

module.exports = { run, uploadFile };
