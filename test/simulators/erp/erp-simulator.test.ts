// The ERP simulator over HTTP: idempotent movements (including races), bad input, auth, knobs,
// signed webhooks and the /_sim/ control surface.
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ErpSimulator, startErpSimulator } from '../../../src/simulators/erp/start-erp-simulator.js';
import { waitFor } from '../../helpers/fixtures.js';

const API_KEY = 'sim-key';
const SECRET = 'whsec-test';
let sim: ErpSimulator;
let receiver: FastifyInstance;
let receiverUrl: string;
const received: { body: string; signature: string; eventId: string }[] = [];
let failNextDeliveries = 0;

const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const movement = { sku: 'A', warehouse: 'MAIN', quantity: -2, kind: 'sale', reference: 'order-1', occurredAt: '2026-03-01T10:00:00.000Z' };

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { ...auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}
const onHand = (sku: string, warehouse: string) =>
  sim.control.state().stock.find((row) => row.sku === sku && row.warehouse === warehouse)?.onHand;

beforeAll(async () => {
  receiver = Fastify();
  receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  receiver.post('/webhooks/erp/conn-1', async (request, reply) => {
    if (failNextDeliveries > 0) {
      failNextDeliveries -= 1;
      return reply.code(500).send();
    }
    received.push({
      body: request.body as string,
      signature: String(request.headers['x-stockbridge-signature']),
      eventId: String(request.headers['x-stockbridge-event-id']),
    });
    return reply.code(200).send();
  });
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  const address = receiver.server.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/erp/conn-1`;
  sim = await startErpSimulator({ apiKey: API_KEY, webhookUrl: receiverUrl, webhookSecret: SECRET });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  await sim.control.drainWebhooks();
  sim.control.reset();
  sim.control.setKnobs({ latencyMs: 0, errorRate: 0, throttleRate: 0, timeoutRate: 0, hangMs: 600_000, retryAfterSeconds: 1 });
  sim.control.seed({
    warehouses: [{ code: 'MAIN', name: 'Main' }],
    items: [{ sku: 'A', name: 'Item A', unitCost: '2.50', stock: [{ warehouse: 'MAIN', onHand: 10 }] }],
  });
  received.length = 0;
  failNextDeliveries = 0;
});

describe('ERP simulator: movements', () => {
  it('the same key twice applies once and answers 201 then 200 with the same result', async () => {
    const first = await post('/movements', movement, { 'idempotency-key': 'k-1' });
    const second = await post('/movements', { ...movement }, { 'idempotency-key': 'k-1' });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(await second.json()).toEqual(await first.json());
    expect(onHand('A', 'MAIN')).toBe(8);
    expect(sim.control.idempotencyLog().entries).toMatchObject([{ key: 'k-1', applied: 1, replays: 1, conflicts: 0 }]);
  });

  it('five concurrent requests with one key apply once: one 201, four 200', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('/movements', movement, { 'idempotency-key': 'k-race' })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(sim.control.state().movements).toHaveLength(1);
    expect(onHand('A', 'MAIN')).toBe(8);
  });

  it('the same key with another body is 409 idempotency_conflict and changes nothing', async () => {
    await post('/movements', movement, { 'idempotency-key': 'k-2' });
    const conflict = await post('/movements', { ...movement, quantity: -5 }, { 'idempotency-key': 'k-2' });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: 'idempotency_conflict' } });
    expect(onHand('A', 'MAIN')).toBe(8);
    expect(sim.control.idempotencyLog().entries[0]?.conflicts).toBe(1);
  });

  it.each([
    ['no Idempotency-Key', movement, {}],
    ['a zero quantity', { ...movement, quantity: 0 }, { 'idempotency-key': 'k' }],
    ['a fractional quantity', { ...movement, quantity: 1.5 }, { 'idempotency-key': 'k' }],
    ['an unknown kind', { ...movement, kind: 'theft' }, { 'idempotency-key': 'k' }],
    ['an extra field', { ...movement, price: 3 }, { 'idempotency-key': 'k' }],
    ['a bad date', { ...movement, occurredAt: 'yesterday' }, { 'idempotency-key': 'k' }],
    ['a body that is not JSON', '{"sku": ', { 'idempotency-key': 'k' }],
  ])('%s is 400 validation_failed and nothing is applied', async (_label, body, headers) => {
    const response = await post('/movements', body, headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.any(String) } });
    expect(sim.control.state().movements).toEqual([]);
    expect(onHand('A', 'MAIN')).toBe(10);
  });

  it('unknown items and warehouses are 422 and record no key (a later retry may succeed)', async () => {
    const item = await post('/movements', { ...movement, sku: 'Z' }, { 'idempotency-key': 'k-z' });
    const warehouse = await post('/movements', { ...movement, warehouse: 'NOPE' }, { 'idempotency-key': 'k-w' });
    expect([item.status, warehouse.status]).toEqual([422, 422]);
    expect((await item.json()).error.code).toBe('unknown_item');
    expect((await warehouse.json()).error.code).toBe('unknown_warehouse');
    expect(sim.control.idempotencyLog().entries).toEqual([]);
  });
});

describe('ERP simulator: auth and knobs', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'Bearer nope' }],
    ['a non-bearer scheme', { authorization: `token ${API_KEY}` }],
  ])('%s is 401 unauthorized on the contract, while /_sim/ stays open', async (_label, headers) => {
    const response = await fetch(`${sim.url}/warehouses`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await fetch(`${sim.url}/_sim/state`)).status).toBe(200);
  });

  it('throttleRate answers 429 and errorRate 503, both with Retry-After, and neither applies the movement', async () => {
    sim.control.setKnobs({ throttleRate: 1, retryAfterSeconds: 3 });
    const throttled = await post('/movements', movement, { 'idempotency-key': 'k-t' });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
    sim.control.setKnobs({ throttleRate: 0, errorRate: 1 });
    const failed = await post('/movements', movement, { 'idempotency-key': 'k-t' });
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '3']);
    expect(sim.control.state().movements).toEqual([]);
  });

  it('timeoutRate applies the movement but holds the reply: the client gives up, the call log marks it held', async () => {
    sim.control.setKnobs({ timeoutRate: 1 });
    const aborted = await post('/movements', movement, { 'idempotency-key': 'k-lost' }, AbortSignal.timeout(300)).catch(
      (error: Error) => error,
    );
    expect(aborted).toMatchObject({ name: 'TimeoutError' });
    expect(onHand('A', 'MAIN')).toBe(8);
    sim.control.setKnobs({ timeoutRate: 0 });
    expect((await post('/movements', movement, { 'idempotency-key': 'k-lost' })).status).toBe(200);
    expect(sim.control.calls().map((call) => [call.status, call.held])).toEqual([
      [201, true],
      [200, false],
    ]);
  });
});

describe('ERP simulator: webhooks and control', () => {
  it('a receipt sends a signed stock.changed webhook; seeding sends none', async () => {
    expect(sim.control.receive({ sku: 'A', warehouse: 'MAIN', quantity: 5 })).toMatchObject({ onHand: 15 });
    await sim.control.drainWebhooks();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    if (!delivery) throw new Error('no delivery');
    expect(delivery.signature).toBe(createHmac('sha256', SECRET).update(delivery.body).digest('base64'));
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'stock.changed',
      items: [{ sku: 'A', warehouse: 'MAIN', onHand: 15, unitCost: '2.50' }],
    });
  });

  it('each change gets its own event id; a failed delivery is retried with the same id', async () => {
    failNextDeliveries = 1;
    await post('/movements', movement, { 'idempotency-key': 'k-hook' });
    sim.control.setStock({ sku: 'A', warehouse: 'MAIN', reserved: 1 });
    await sim.control.drainWebhooks();
    const deliveries = sim.control.webhookDeliveries();
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 1],
    ]);
    expect(received.map((delivery) => delivery.eventId)).toEqual(deliveries.map((delivery) => delivery.eventId));
    expect(new Set(received.map((delivery) => delivery.eventId)).size).toBe(2);
  });

  it('the /_sim/ routes seed, receive, set, report and validate over HTTP', async () => {
    const json = { 'content-type': 'application/json' };
    const seed = await fetch(`${sim.url}/_sim/seed`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ items: [{ sku: 'B', unitCost: '1.10', stock: [{ warehouse: 'EAST', onHand: 4 }] }] }),
    });
    expect(seed.status).toBe(200);
    const receipt = await fetch(`${sim.url}/_sim/receipts`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'B', warehouse: 'EAST', quantity: 6 }),
    });
    expect(await receipt.json()).toMatchObject({ sku: 'B', warehouse: 'EAST', onHand: 10, available: 10 });
    const set = await fetch(`${sim.url}/_sim/stock`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ sku: 'B', warehouse: 'EAST', reserved: 3 }),
    });
    expect(await set.json()).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    const unknown = await fetch(`${sim.url}/_sim/receipts`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'Q', warehouse: 'EAST', quantity: 1 }),
    });
    expect(unknown.status).toBe(422);
    const badKnob = await fetch(`${sim.url}/_sim/knobs`, { method: 'PUT', headers: json, body: JSON.stringify({ errorRate: 2 }) });
    expect(badKnob.status).toBe(400);
    expect(sim.control.knobs().errorRate).toBe(0);
    await fetch(`${sim.url}/warehouses`, { headers: auth });
    const calls = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as { items: { path: string; status: number }[] };
    expect(calls.items).toEqual([expect.objectContaining({ method: 'GET', path: '/warehouses', status: 200, held: false })]);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as { warehouses: { code: string }[] };
    expect(state.warehouses.map((warehouse) => warehouse.code)).toEqual(['MAIN', 'EAST']);
    const log = await (await fetch(`${sim.url}/_sim/idempotency-log`)).json();
    expect(log).toEqual({ entries: [], doubleApplications: [] });
  });

  it('close() returns while a reply is held back, without waiting for the hang to end', async () => {
    const other = await startErpSimulator({ apiKey: API_KEY, timeoutRate: 1, hangMs: 600_000 });
    const pending = fetch(`${other.url}/warehouses`, { headers: auth }).then(
      (response) => response.status,
      () => 'aborted',
    );
    await waitFor(
      async () => other.control.calls().length === 1 && (await Promise.race([pending, Promise.resolve('waiting')])) === 'waiting',
      {
        what: 'the request to be held',
      },
    );
    await other.close();
    expect(await pending).toBe(200);
  });
});
