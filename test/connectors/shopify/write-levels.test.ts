// inventorySetQuantities batching and per-item outcomes, against nock.
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LevelWrite } from '../../../src/connectors/contract.js';
import { planCalls } from '../../../src/connectors/shopify/write-levels.js';
import { API_PATH, buildConnector, createTestRedis, operation, replyData, shopify } from './helpers.js';

const redis = createTestRedis('shopify-writes');
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => redis.drop());

const LOCATION = 'gid://shopify/Location/24826418';
const OTHER = 'gid://shopify/Location/24826425';

function levelWrite(n: number, overrides: Partial<LevelWrite> = {}): LevelWrite {
  return {
    sku: `SKU-${n}`,
    externalVariantId: `gid://shopify/ProductVariant/${9200000000000000000n + BigInt(n)}`,
    externalProductId: 'gid://shopify/Product/1',
    externalInventoryItemId: `gid://shopify/InventoryItem/${271878346596884000n + BigInt(n)}`,
    externalLocationId: LOCATION,
    quantity: 10 + n,
    expectedCurrent: n,
    reference: 'push-7',
    ...overrides,
  };
}

type SetBody = { query: string; variables: { input: { quantities: { inventoryItemId: string; changeFromQuantity: number | null }[] } } };
const ok = replyData({
  inventorySetQuantities: { inventoryAdjustmentGroup: { id: 'gid://shopify/InventoryAdjustmentGroup/1' }, userErrors: [] },
});

describe('planning inventorySetQuantities calls', () => {
  it('splits 300 quantities into calls of at most 250 and never repeats an item/location pair in one call', () => {
    const writes = Array.from({ length: 300 }, (_, n) => ({ write: levelWrite(n), inventoryItemId: `item-${n}` }));
    const duplicate = { write: levelWrite(0, { quantity: 99 }), inventoryItemId: 'item-0' };
    const calls = planCalls([...writes, duplicate]);
    expect(calls.map((call) => call.length)).toEqual([250, 51]);
    for (const call of calls) {
      const pairs = call.map((entry) => `${entry.inventoryItemId}@${entry.write.externalLocationId}`);
      expect(new Set(pairs).size).toBe(pairs.length);
    }
  });

  it('keeps one reference per call, since Shopify takes one referenceDocumentUri per call', () => {
    const calls = planCalls([
      { write: levelWrite(1, { reference: 'a' }), inventoryItemId: 'i1' },
      { write: levelWrite(2, { reference: 'b' }), inventoryItemId: 'i2' },
      { write: levelWrite(3, { reference: 'a' }), inventoryItemId: 'i3' },
    ]);
    expect(calls.map((call) => call.map((entry) => entry.write.sku))).toEqual([['SKU-1', 'SKU-3'], ['SKU-2']]);
  });
});

describe('writeLevels against Shopify', () => {
  it('sends 260 writes as two calls with derived idempotency keys and changeFromQuantity on every quantity', async () => {
    const seen: SetBody[] = [];
    shopify()
      .post(API_PATH, (body: SetBody) => operation('SetQuantities')(body) && Boolean(seen.push(body)))
      .times(2)
      .reply(200, ok);
    const batch = Array.from({ length: 260 }, (_, n) => levelWrite(n, n === 3 ? { expectedCurrent: null } : {}));
    const results = await buildConnector(redis).connector.writeLevels(batch, { idempotencyKey: 'job-77' });
    expect(results.every((result) => result.outcome === 'written')).toBe(true);
    expect(seen.map((body) => body.variables.input.quantities.length)).toEqual([250, 10]);
    expect(seen.map((body) => /@idempotent\(key: "([^"]+)"\)/.exec(body.query)?.[1])).toEqual(['job-77:0', 'job-77:1']);
    const quantities = seen.flatMap((body) => body.variables.input.quantities);
    expect(quantities.every((quantity) => Object.hasOwn(quantity, 'changeFromQuantity'))).toBe(true);
    expect(quantities[3]?.changeFromQuantity).toBeNull();
  });

  it('maps userErrors per item when Shopify applied the rest (partial success)', async () => {
    shopify()
      .post(API_PATH, operation('SetQuantities'))
      .reply(
        200,
        replyData({
          inventorySetQuantities: {
            inventoryAdjustmentGroup: { id: 'gid://shopify/InventoryAdjustmentGroup/2' },
            userErrors: [
              { code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: ['input', 'quantities', '1', 'locationId'], message: 'not stocked' },
              { code: 'INVALID_QUANTITY_TOO_HIGH', field: ['input', 'quantities', '2', 'quantity'], message: 'too high' },
              { code: 'IDEMPOTENCY_CONCURRENT_REQUEST', field: ['input', 'quantities', '3'], message: 'busy' },
            ],
          },
        }),
      );
    const results = await buildConnector(redis).connector.writeLevels(
      [1, 2, 3, 4].map((n) => levelWrite(n)),
      { idempotencyKey: 'job-78' },
    );
    expect(results).toEqual([
      { sku: 'SKU-1', externalLocationId: LOCATION, outcome: 'written', quantity: 11 },
      { sku: 'SKU-2', externalLocationId: LOCATION, outcome: 'not_found' },
      {
        sku: 'SKU-3',
        externalLocationId: LOCATION,
        outcome: 'failed',
        error: { code: 'SHOPIFY_INVALID_QUANTITY_TOO_HIGH', message: 'too high', retryable: false },
      },
      {
        sku: 'SKU-4',
        externalLocationId: LOCATION,
        outcome: 'failed',
        error: { code: 'SHOPIFY_IDEMPOTENCY_CONCURRENT_REQUEST', message: 'busy', retryable: true },
      },
    ]);
  });

  it('an error on the whole input fails every item of that call, and nothing is re-sent', async () => {
    shopify()
      .post(API_PATH, operation('SetQuantities'))
      .reply(
        200,
        replyData({
          inventorySetQuantities: {
            inventoryAdjustmentGroup: null,
            userErrors: [{ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'bad reason' }],
          },
        }),
      );
    const results = await buildConnector(redis).connector.writeLevels([levelWrite(1), levelWrite(2, { externalLocationId: OTHER })], {
      idempotencyKey: 'job-79',
    });
    expect(results.map((result) => result.outcome === 'failed' && result.error.code)).toEqual([
      'SHOPIFY_INVALID_REASON',
      'SHOPIFY_INVALID_REASON',
    ]);
  });

  it('a variant without an inventory item id is resolved first; an unknown one is not_found and never sent', async () => {
    const known = levelWrite(1, { externalInventoryItemId: undefined });
    const unknown = levelWrite(2, { externalInventoryItemId: undefined, sku: 'UNKNOWN-SKU' });
    const sent: SetBody[] = [];
    shopify()
      .post(
        API_PATH,
        operation('ItemsOfVariants', (body) => (body.variables?.ids as string[] | undefined)?.length === 2),
      )
      .reply(
        200,
        replyData({ nodes: [{ id: known.externalVariantId, inventoryItem: { id: 'gid://shopify/InventoryItem/555' } }, null] }, 4),
      )
      .post(API_PATH, (body: SetBody) => operation('SetQuantities')(body) && Boolean(sent.push(body)))
      .reply(200, ok);
    const results = await buildConnector(redis).connector.writeLevels([known, unknown], { idempotencyKey: 'job-80' });
    expect(results.map((result) => [result.sku, result.outcome])).toEqual([
      ['SKU-1', 'written'],
      ['UNKNOWN-SKU', 'not_found'],
    ]);
    expect(sent[0]?.variables.input.quantities.map((q) => q.inventoryItemId)).toEqual(['gid://shopify/InventoryItem/555']);
  });

  it('an empty batch sends nothing and returns no results', async () => {
    const { connector, calls } = buildConnector(redis);
    expect(await connector.writeLevels([], { idempotencyKey: 'job-empty' })).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('an idempotency key that is not GraphQL-literal safe is replaced by its stable hash', async () => {
    const keys: string[] = [];
    shopify()
      .post(
        API_PATH,
        (body: SetBody) => operation('SetQuantities')(body) && Boolean(keys.push(/key: "([^"]+)"/.exec(body.query)?.[1] ?? '')),
      )
      .times(2)
      .reply(200, ok);
    const { connector } = buildConnector(redis);
    await connector.writeLevels([levelWrite(1)], { idempotencyKey: 'job "81" \\ evil' });
    await connector.writeLevels([levelWrite(1)], { idempotencyKey: 'job "81" \\ evil' });
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
