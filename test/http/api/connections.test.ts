// Connecting stores and ERPs through the API, against the WooCommerce and ERP simulators: the
// connection is tested, credentials are stored encrypted and never returned, webhooks are
// registered (and removed on disconnect), and a failure at any step leaves nothing behind.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { type ErpSimulator, startErpSimulator } from '../../../src/simulators/erp/start-erp-simulator.js';
import { startWooCommerceSimulator, type WooSimulator } from '../../../src/simulators/woocommerce/woocommerce-simulator.js';
import { dbTest as test } from '../../helpers/fixtures.js';

let app: FastifyInstance;
let woo: WooSimulator;
let erp: ErpSimulator;
const tokens: Record<string, string> = {};

const wooBody = () => ({
  kind: 'woocommerce',
  name: 'Woo shop',
  siteUrl: woo.url,
  consumerKey: 'ck_live_secret_key',
  consumerSecret: 'cs_live_secret_value',
  webhookSecret: 'woo-webhook-secret-123',
  bufferQuantity: 2,
});

beforeAll(async () => {
  woo = await startWooCommerceSimulator({ consumerKey: 'ck_live_secret_key', consumerSecret: 'cs_live_secret_value' });
  woo.control.seed([{ name: 'Mug', sku: 'MUG-1', manageStock: true, stockQuantity: 5 }]);
  erp = await startErpSimulator({ apiKey: 'erp-api-key-999' });
  erp.control.seed({ warehouses: [{ code: 'WH1', name: 'Main' }], items: [] });
});

afterAll(async () => {
  await app?.close();
  await woo?.close();
  await erp?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, role: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[role]}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

test('setup', async ({ services }) => {
  app = await buildServer(services);
  for (const role of ['admin', 'support', 'accountant'] as const)
    tokens[role] = (await services.apiTokens.create({ role, name: role })).token;
});

test('creating a WooCommerce store tests it, encrypts its credentials and registers webhooks', async ({ services }) => {
  const response = await call('POST', '/api/v1/connections', 'admin', wooBody());
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  expect(body).toMatchObject({ kind: 'woocommerce', status: 'active', test: { outcome: 'ok' } });
  expect(body.webhooks).toBeGreaterThanOrEqual(3);
  expect(response.body).not.toMatch(/cs_live_secret_value|ck_live_secret_key|woo-webhook-secret/);

  const row = await services.prisma.connection.findUniqueOrThrow({ where: { id: body.id } });
  expect(Buffer.from(row.credentials).toString('latin1')).not.toContain('cs_live_secret_value');
  expect(row.credentialsKeyId).toBe(services.cipher.currentKeyId);
  expect(services.cipher.decryptStored(row)).toMatchObject({ consumerSecret: 'cs_live_secret_value' });
  expect(row.settings).toMatchObject({ siteUrl: woo.url, bufferQuantity: 2, manualEditPolicy: 'erp-wins' });

  const hooks = woo.control.webhooks();
  expect(hooks.map((hook) => hook.topic).sort()).toEqual(expect.arrayContaining(['order.created', 'order.updated', 'product.updated']));
  expect(hooks.every((hook) => hook.deliveryUrl === `${services.config.publicUrl}/webhooks/woocommerce/${body.id}`)).toBe(true);

  const audit = await services.prisma.auditEntry.findFirst({ where: { entityId: body.id, action: 'connection.created' } });
  expect(JSON.stringify({ ...audit, id: String(audit?.id) })).not.toContain('cs_live_secret_value');
  const listed = await call('GET', '/api/v1/connections', 'accountant');
  expect(listed.statusCode).toBe(200);
  expect(listed.body).not.toMatch(/cs_live_secret_value|credentials/);
});

test('creating an ERP connection reads its warehouses', async () => {
  const response = await call('POST', '/api/v1/connections', 'admin', {
    kind: 'erp',
    erpType: 'generic-rest',
    name: 'ERP',
    baseUrl: erp.url,
    apiKey: 'erp-api-key-999',
  });
  expect(response.statusCode, response.body).toBe(201);
  const one = await call('GET', `/api/v1/connections/${response.json().id}`, 'support');
  expect(one.json().settings.warehouses).toEqual(['WH1']);
});

test('wrong credentials: 422 with the platform answer in plain words, nothing stored', async ({ services }) => {
  const before = await services.prisma.connection.count();
  const response = await call('POST', '/api/v1/connections', 'admin', { ...wooBody(), consumerSecret: 'cs_wrong' });
  expect(response.statusCode).toBe(422);
  expect(response.json().error).toMatchObject({ code: 'CONNECTION_TEST_FAILED', details: { test: { outcome: 'auth_failed' } } });
  expect(await services.prisma.connection.count()).toBe(before);
});

test('a failing webhook registration undoes the save', async ({ services }) => {
  const before = await services.prisma.connection.count();
  woo.control.addFault({ method: 'POST', endpoint: 'webhooks', status: 500, times: 10 });
  const response = await call('POST', '/api/v1/connections', 'admin', { ...wooBody(), name: 'will fail' });
  expect(response.statusCode).toBe(502);
  expect(response.json().error.code).toBe('WEBHOOK_REGISTRATION_FAILED');
  expect(await services.prisma.connection.count()).toBe(before);
});

test.each([
  [{ kind: 'woocommerce', name: 'x' }, /siteUrl/],
  [{ kind: 'shopify', name: 'x', shopDomain: 'not-a-shop.example.com', accessToken: 'a', webhookSecret: 'b' }, /shopDomain/],
  [{ kind: 'shopify', name: 'x', shopDomain: 'a.myshopify.com' }, /accessToken/],
  [{ kind: 'erp', erpType: 'sap', name: 'x', baseUrl: 'https://erp.example.com' }, /erpType/],
  [{ kind: 'ftp', name: 'x' }, /kind|Invalid/],
  [
    { ...({} as object), kind: 'erp', erpType: 'generic-rest', name: 'x', baseUrl: 'https://erp.example.com', surprise: 1 },
    /surprise|Unrecognized/,
  ],
])('bad body %j → 400 naming the field, nothing stored', async (body, message) => {
  const response = await call('POST', '/api/v1/connections', 'admin', body);
  expect(response.statusCode).toBe(400);
  expect(response.json().error.message).toMatch(message);
});

test('support and accountant cannot connect stores', async () => {
  expect((await call('POST', '/api/v1/connections', 'support', wooBody())).statusCode).toBe(403);
  expect((await call('POST', '/api/v1/connections', 'accountant', wooBody())).statusCode).toBe(403);
});

test('changing the buffer is audited and queues a resync; pause and resume are recorded', async ({ services }) => {
  const [connection] = await services.prisma.connection.findMany({ where: { kind: 'woocommerce', deletedAt: null } });
  const id = connection?.id ?? '';
  const patched = await call('PATCH', `/api/v1/connections/${id}`, 'admin', { settings: { bufferQuantity: 5, capQuantity: 40 } });
  expect(patched.statusCode, patched.body).toBe(200);
  expect(patched.json().settings).toMatchObject({ bufferQuantity: 5, capQuantity: 40, siteUrl: woo.url });
  expect(await services.prisma.auditEntry.count({ where: { entityId: id, action: 'connection.updated' } })).toBe(1);
  const resyncs = await services.queues.get('events').getJobs(['waiting', 'delayed']);
  expect(resyncs.some((job) => job.name === 'sku.resync' && job.data.connectionId === id)).toBe(true);

  expect((await call('POST', `/api/v1/connections/${id}/pause`, 'support')).json().paused).toBe(true);
  expect((await call('POST', `/api/v1/connections/${id}/resume`, 'support')).json().paused).toBe(false);
  expect(
    await services.prisma.auditEntry.count({ where: { entityId: id, action: { in: ['connection.paused', 'connection.resumed'] } } }),
  ).toBe(2);
  expect((await call('PATCH', `/api/v1/connections/${id}`, 'admin', { settings: { bufferQuantity: -1 } })).statusCode).toBe(400);
});

test('disconnecting removes our webhooks from the store', async ({ services }) => {
  const [connection] = await services.prisma.connection.findMany({ where: { kind: 'woocommerce', deletedAt: null } });
  const id = connection?.id ?? '';
  expect(woo.control.webhooks().length).toBeGreaterThan(0);
  const response = await call('DELETE', `/api/v1/connections/${id}`, 'admin');
  expect(response.json()).toEqual({ webhooksRemoved: true });
  expect(woo.control.webhooks()).toHaveLength(0);
  expect((await call('GET', `/api/v1/connections/${id}`, 'admin')).statusCode).toBe(404);
});
