'use strict';
// Orders and quota: each order action is idempotent per orderId (same body,
// same esignOrderId; another body, 409 duplicateClientToken), adds its
// quantity to the corp's margin, and orderIds are per corp.

const { expectOK, expectErr } = require('./harness');
const { paramCode, authChecks, missingChecks, need, eq } = require('./checks');
const { uid } = require('./env');

async function margin(ctx, tok) {
  const b = expectOK(ctx.e2, 'GetContractMargin', await ctx.e2.call('GetContractMargin', tok));
  return b.margin;
}

async function orderAction(ctx, api, action, mkBody, required) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  const v1 = api.name === 'esign_1_0';
  const id = (b) => (v1 ? b.data.esignOrderId : b.esignOrderId);
  const body = mkBody(uid('order'));
  const call = (tok, b) => api.call(action, tok, api.request(action, b));
  const first = await a.step('success', async () => {
    const before = await margin(ctx, need(S.T1, 'token'));
    const b = expectOK(api, action, await call(S.T1, body));
    need(id(b), 'esignOrderId');
    eq(await margin(ctx, S.T1), before + body.quantity, 'margin after the order');
    return id(b);
  });
  await a.step('idempotent', async () => {
    const before = await margin(ctx, S.T1);
    const b = expectOK(api, action, await call(S.T1, body));
    eq(id(b), need(first, 'first esignOrderId'), 'esignOrderId of the repeated order');
    eq(await margin(ctx, S.T1), before, 'margin after the repeated order');
  });
  await a.step('conflict', async () => {
    need(first, 'first order');
    // esign_2.0's pages document doRepeatOrderError; esign_1.0's none, so
    // the platform's idempotency code (0013).
    if (api.name === 'esign_2_0') expectErr(await call(S.T1, { ...body, quantity: body.quantity + 1 }), 400, 'doRepeatOrderError');
    else expectErr(await call(S.T1, { ...body, quantity: body.quantity + 1 }), 409, 'invalidRequest.duplicateClientToken');
  });
  await missingChecks(a, api, action, S.T1, body, required, (b) => ({ ...b, orderId: b.orderId && uid('order') }));
  await a.step('wrongtype', async () => {
    expectErr(await call(S.T1, { ...body, orderId: uid('order'), quantity: 'ten' }), 400, paramCode(api, action), 'quantity');
  });
  await a.step('foreign', async () => {
    // Corp 2 may use the same orderId: it is a new order of its own.
    const b = expectOK(api, action, await call(S.T2, body));
    if (id(b) === need(first, 'first esignOrderId')) throw new Error('corp 2 got corp 1\'s esignOrderId');
  });
  await authChecks(a, api, action, api.request(action, body));
}

async function marginAction(ctx, api, action) {
  const { R, S } = ctx;
  const a = R.action(`${api.name}.${action}`);
  await a.step('success', async () => {
    const b = expectOK(api, action, await api.call(action, need(S.T1, 'token')));
    const m = api.name === 'esign_1_0' ? b.data.margin : b.margin;
    if (!(m > 0)) throw new Error(`margin ${m}, want the demo quota and the orders`);
    eq(m, await margin(ctx, S.T1), 'margin in both versions');
  });
  await authChecks(a, api, action);
}

async function run(ctx) {
  const { e1, e2 } = ctx;
  const now = Date.now();
  const day = 24 * 3600 * 1000;
  await orderAction(ctx, e2, 'ChannelOrders', (orderId) => ({
    itemCode: 'esign-pack-10', itemName: 'e签宝合同套餐10份', orderCreateTime: now, orderId, payFee: 9900, quantity: 10,
  }), ['itemCode', 'itemName', 'orderCreateTime', 'orderId', 'quantity']);
  await orderAction(ctx, e1, 'ChannelOrder', (orderId) => ({
    itemCode: 'esign-pack-5', itemName: 'e签宝合同套餐5份', orderCreateTime: now, orderId, payFee: 4900, quantity: 5,
  }), ['itemCode', 'itemName', 'orderId', 'payFee', 'quantity']);
  await orderAction(ctx, e2, 'ResaleOrder', (orderId) => ({
    orderCreateTime: now, orderId, quantity: 7, serviceStartTime: now, serviceStopTime: now + 365 * day,
  }), ['orderCreateTime', 'orderId', 'quantity', 'serviceStopTime']);
  await orderAction(ctx, e1, 'OrderResale', (orderId) => ({
    orderCreateTime: now, orderId, quantity: 3, serviceStartTime: now, serviceStopTime: now + 365 * day,
  }), ['orderCreateTime', 'orderId', 'quantity', 'serviceStartTime', 'serviceStopTime']);
  await marginAction(ctx, e2, 'GetContractMargin');
  await marginAction(ctx, e1, 'ContractMargin');
}

module.exports = { run };
