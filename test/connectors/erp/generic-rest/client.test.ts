// generic-rest client behaviour beyond the shared contract suite: local refusal of bad movements,
// answers that break the contract, batching of SKU queries and the connection test's wording.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErpMovement } from '../../../../src/connectors/contract.js';
import { createGenericRestErp } from '../../../../src/connectors/erp/generic-rest/client.js';
import { closedPortUrl, expectNockDone, rejectionOf, silentLog } from '../helpers.js';
import { API_KEY, ROWS, SALE, wireRow } from './fixtures.js';

const ORIGIN = 'https://erp.example.test';
const erp = (baseUrl = ORIGIN) =>
  createGenericRestErp({ baseUrl, credentials: { apiKey: API_KEY }, fetch: globalThis.fetch, log: silentLog });

afterEach(expectNockDone);

describe('generic-rest client', () => {
  // No interceptor is armed: any request would fail as ERP_UNREACHABLE instead of ERP_INVALID_MOVEMENT.
  it.each([
    ['a zero quantity', { quantity: 0 }, 'key-1'],
    ['a fractional quantity', { quantity: 1.5 }, 'key-1'],
    ['a quantity past one billion', { quantity: -2_000_000_000 }, 'key-1'],
    ['a blank sku', { sku: ' ' }, 'key-1'],
    ['a blank reference', { reference: '' }, 'key-1'],
    ['an invalid date', { occurredAt: new Date('nope') }, 'key-1'],
    ['a blank idempotency key', {}, ''],
    ['an idempotency key over 255 characters', {}, 'k'.repeat(256)],
  ] as [string, Partial<ErpMovement>, string][])('refuses %s before sending anything', async (_label, override, key) => {
    const error = await rejectionOf(erp().postMovement({ ...SALE, ...override }, key));
    expect(error).toMatchObject({ kind: 'permanent', code: 'ERP_INVALID_MOVEMENT' });
  });

  it.each([
    ['rows without quantities', { items: [{ sku: 'SKU-1', warehouse: 'MAIN', updatedAt: '2026-03-01T08:00:00.000Z' }], nextCursor: null }],
    ['a fractional quantity', { items: [wireRow({ ...ROWS[0], onHand: 1.5 } as never, '2026-03-01T08:00:00.000Z')], nextCursor: null }],
    ['a numeric unit cost', { items: [{ ...wireRow(ROWS[0], '2026-03-01T08:00:00.000Z'), unitCost: 4.2 }], nextCursor: null }],
    ['no nextCursor', { items: [] }],
  ])('a stock page with %s is permanent ERP_INVALID_RESPONSE', async (_label, body) => {
    nock(ORIGIN).get('/stock').query(true).reply(200, body);
    expect(await rejectionOf(erp().listStock(null))).toMatchObject({ kind: 'permanent', code: 'ERP_INVALID_RESPONSE' });
  });

  it('a movement answered 202 breaks the contract and is not taken as applied', async () => {
    nock(ORIGIN).post('/movements').reply(202, { id: 'mv-9', resultingOnHand: 4 });
    expect(await rejectionOf(erp().postMovement(SALE, 'key-202'))).toMatchObject({ code: 'ERP_INVALID_RESPONSE', status: 202 });
  });

  it('idempotency_in_progress is retryable; an unknown error code keeps the status class and the ERP message', async () => {
    nock(ORIGIN)
      .post('/movements')
      .reply(409, { error: { code: 'idempotency_in_progress', message: 'still working' } })
      .post('/movements')
      .reply(400, { error: { code: 'bad_mood', message: 'try another day' } });
    expect(await rejectionOf(erp().postMovement(SALE, 'key-a'))).toMatchObject({ kind: 'retryable', code: 'ERP_IDEMPOTENCY_IN_PROGRESS' });
    const unknown = await rejectionOf(erp().postMovement(SALE, 'key-a'));
    expect(unknown).toMatchObject({ kind: 'permanent', code: 'ERP_HTTP_4XX', status: 400 });
    expect(String(unknown.message)).toContain('bad_mood: try another day');
  });

  it('queries at most 1,000 SKUs per call, asks nothing for an empty list, and asks each SKU once', async () => {
    const skus = Array.from({ length: 1500 }, (_, index) => `SKU-${index}`);
    const sizes: number[] = [];
    nock(ORIGIN)
      .post('/stock/query', (body: { skus: string[] }) => {
        sizes.push(body.skus.length);
        return true;
      })
      .times(2)
      .reply(200, { items: [] });
    expect(await erp().readStock([...skus, ...skus.slice(0, 10)])).toEqual([]);
    expect(sizes).toEqual([1000, 500]);
    expect(await erp().readStock([])).toEqual([]);
  });

  it('a base URL with a path keeps it, and maps rows to dates and optional fields', async () => {
    nock(ORIGIN)
      .get('/erp/api/stock')
      .query({ limit: '200' })
      .reply(200, { items: [{ ...wireRow(ROWS[1], '2026-03-01T08:00:00.001Z'), unitCost: null, name: null }], nextCursor: null });
    const page = await erp(`${ORIGIN}/erp/api/`).listStock(null);
    expect(page.items).toEqual([
      {
        sku: 'SKU-1',
        warehouse: 'EAST',
        onHand: 3,
        reserved: 0,
        incoming: 0,
        available: 3,
        updatedAt: new Date('2026-03-01T08:00:00.001Z'),
      },
    ]);
  });

  it.each([
    ['not_found', () => nock(ORIGIN).get('/warehouses').reply(404, 'no route'), ORIGIN],
    [
      'forbidden',
      () =>
        nock(ORIGIN)
          .get('/warehouses')
          .reply(403, { error: { code: 'forbidden', message: 'no stock scope' } }),
      ORIGIN,
    ],
    ['unreachable', () => nock(ORIGIN).get('/warehouses').reply(503, ''), ORIGIN],
    ['invalid_response', () => nock(ORIGIN).get('/warehouses').reply(200, { warehouses: [] }), ORIGIN],
  ])('the connection test reports %s', async (outcome, arrange, baseUrl) => {
    arrange();
    const result = await erp(baseUrl).testConnection();
    expect(result.outcome).toBe(outcome);
    expect(result.detail.length).toBeGreaterThan(20);
  });

  it('the connection test reports an address nothing listens on as unreachable', async () => {
    const result = await erp(await closedPortUrl()).testConnection();
    expect(result).toMatchObject({ outcome: 'unreachable', detail: expect.stringContaining('ECONNREFUSED') });
  });
});
