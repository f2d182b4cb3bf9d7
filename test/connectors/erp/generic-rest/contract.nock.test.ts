// The generic-rest contract suite against nock fixtures: the response bodies docs/erp-contract.yaml
// documents, for exactly the requests the contract prescribes (paths, query, headers, bodies).
import nock from 'nock';
import { expect } from 'vitest';
import { createGenericRestErp } from '../../../../src/connectors/erp/generic-rest/client.js';
import { silentLog } from '../helpers.js';
import { describeGenericRestContract } from './contract-suite.js';
import { API_KEY, CHANGED_ROW, ROWS, SALE, SALE_KEY, WAREHOUSES, wireRow } from './fixtures.js';

const ORIGIN = 'https://erp.example.test';
const BASE = `${ORIGIN}/stockbridge`;

// nock cannot hold a reply until Node's fetch aborts (its .delay() then crashes undici), so the lost
// reply is a fetch that never answers and rejects the way fetch does when its signal fires.
let replyLost = false;
const fixtureFetch: typeof fetch = (input, init) => {
  if (!replyLost) return fetch(input, init);
  return new Promise((_resolve, reject) => {
    const signal = init?.signal;
    if (!signal) return reject(new Error('the connector must always set a timeout signal'));
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
};

const movementBody = (overrides: Record<string, unknown> = {}) => ({
  sku: SALE.sku,
  warehouse: SALE.warehouse,
  quantity: SALE.quantity,
  kind: SALE.kind,
  reference: SALE.reference,
  occurredAt: SALE.occurredAt.toISOString(),
  ...overrides,
});
const erpError = (code: string, message: string) => ({ error: { code, message } });

describeGenericRestContract('nock fixtures', () => ({
  connector: (options = {}) =>
    createGenericRestErp({
      baseUrl: BASE,
      credentials: { apiKey: options.apiKey ?? API_KEY },
      fetch: fixtureFetch,
      log: silentLog,
      pageSize: options.pageSize,
      timeoutMs: options.timeoutMs,
    }),
  async arrange(scenario) {
    nock.cleanAll();
    replyLost = false;
    const erp = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${API_KEY}` } });
    const movements = () => erp.matchHeader('idempotency-key', SALE_KEY);
    switch (scenario) {
      case 'warehouses':
        erp.get('/stockbridge/warehouses').times(2).reply(200, { items: WAREHOUSES });
        return {};
      case 'stock-pages':
        erp
          .get('/stockbridge/stock')
          .query({ limit: '2' })
          .reply(200, {
            items: [wireRow(ROWS[0], '2026-03-01T08:00:00.000Z'), wireRow(ROWS[1], '2026-03-01T08:00:00.001Z')],
            nextCursor: 'b3BhcXVlLXBhZ2UtMg',
          });
        erp
          .get('/stockbridge/stock')
          .query({ cursor: 'b3BhcXVlLXBhZ2UtMg', limit: '2' })
          .reply(200, { items: [wireRow(ROWS[2], '2026-03-01T08:00:00.002Z')], nextCursor: null });
        return {};
      case 'query':
        erp
          .post('/stockbridge/stock/query', { skus: ['SKU-2', 'NOPE'] })
          .reply(200, { items: [wireRow(ROWS[2], '2026-03-01T08:00:00.002Z')] });
        return {};
      case 'changed-since': {
        const since = new Date('2026-03-01T09:00:00.000Z');
        erp
          .get('/stockbridge/stock')
          .query({ updatedSince: since.toISOString(), limit: '200' })
          .reply(200, { items: [wireRow(CHANGED_ROW, '2026-03-01T09:00:05.120Z')], nextCursor: null });
        return { since };
      }
      case 'movement-idempotent':
        movements().post('/stockbridge/movements', movementBody()).reply(201, { id: 'mv-1', resultingOnHand: 10 });
        movements().post('/stockbridge/movements', movementBody()).reply(200, { id: 'mv-1', resultingOnHand: 10 });
        movements()
          .post('/stockbridge/movements', movementBody({ quantity: -3 }))
          .reply(409, erpError('idempotency_conflict', 'this Idempotency-Key was used with a different body'));
        return {};
      case 'movement-reply-lost':
        replyLost = true;
        movements().post('/stockbridge/movements', movementBody()).reply(200, { id: 'mv-1', resultingOnHand: 10 });
        return {};
      case 'unknown-item':
        erp.post('/stockbridge/movements', movementBody({ sku: 'NOPE' })).reply(422, erpError('unknown_item', 'no item NOPE'));
        return {};
      case 'unknown-warehouse':
        erp
          .post('/stockbridge/movements', movementBody({ warehouse: 'NOWHERE' }))
          .reply(422, erpError('unknown_warehouse', 'no warehouse NOWHERE'));
        return {};
      case 'wrong-key': {
        const wrong = nock(ORIGIN, { reqheaders: { authorization: 'Bearer not-the-key' } });
        wrong.get('/stockbridge/warehouses').reply(401, erpError('unauthorized', 'missing or wrong API key'));
        wrong.get('/stockbridge/stock').query({ limit: '200' }).reply(401, erpError('unauthorized', 'missing or wrong API key'));
        return {};
      }
      case 'throttled':
        erp.get('/stockbridge/warehouses').reply(429, erpError('rate_limited', 'too many requests'), { 'Retry-After': '2' });
        return {};
      case 'unavailable':
        erp
          .post('/stockbridge/stock/query', { skus: ['SKU-1'] })
          .reply(503, erpError('unavailable', 'temporarily unavailable'), { 'Retry-After': '2' });
        return {};
    }
  },
  async heal() {
    replyLost = false;
  },
  verify() {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  },
}));
