// The WooCommerce connector's contract, written once and run against every backend (nock fixtures
// and the simulator), so the fixtures and the simulator cannot drift apart unnoticed.
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogItem, ChannelLevel, LevelWrite } from '../../../src/connectors/contract.js';
import { ConnectorError, errorKindOf } from '../../../src/connectors/errors.js';
import type { SeedProduct, WooWorld, WorldFactory, WorldOptions } from './world.js';

const hats: SeedProduct = {
  id: 20,
  name: 'Hat',
  variations: [
    { id: 21, sku: 'HAT-S', name: 'S', stockQuantity: 3 },
    { id: 22, sku: 'HAT-M', name: 'M', stockQuantity: 4 },
  ],
};
const scarves: SeedProduct = { id: 40, name: 'Scarf', variations: [{ id: 41, sku: 'SCARF-RED', stockQuantity: 2 }] };
const basics: SeedProduct[] = [
  { id: 10, name: 'Shirt', sku: 'SHIRT', stockQuantity: 5 },
  { id: 11, name: 'Shirt XL', sku: 'SHIRT-1', stockQuantity: 6 },
  hats,
  scarves,
  { id: 30, name: 'Unlabelled', stockQuantity: 1 },
];

export const write = (fields: Partial<LevelWrite> & Pick<LevelWrite, 'sku' | 'externalVariantId' | 'quantity'>): LevelWrite => ({
  externalProductId: fields.externalVariantId,
  externalLocationId: 'default',
  expectedCurrent: null,
  reference: `push-${fields.sku}`,
  ...fields,
});

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

export function describeWooCommerceContract(factory: WorldFactory) {
  describe(`WooCommerce connector contract (${factory.name})`, () => {
    let world: WooWorld | undefined;
    const open = async (options?: WorldOptions) => {
      world = await factory.create(options);
      return world;
    };
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });

    it('a valid read/write key connects and the store is one location', async () => {
      const { connector } = await open();
      const outcome = await connector.testConnection();
      expect(outcome).toMatchObject({ outcome: 'ok', locations: [{ externalLocationId: 'default' }] });
      expect(await connector.listLocations()).toEqual([{ externalLocationId: 'default', name: 'shop.example.com' }]);
    });

    it('a wrong consumer secret is reported as auth_failed in plain words, without the secret', async () => {
      const { connector } = await open({ consumerSecret: 'cs_wrong_secret_value' });
      const outcome = await connector.testConnection();
      expect(outcome.outcome).toBe('auth_failed');
      expect(outcome.detail).toMatch(/rejected the consumer key or secret/);
      expect(outcome.detail).not.toContain('cs_wrong_secret_value');
    });

    it('the catalog pages past 100 products and lists variations under their parent, blank SKUs as ""', async () => {
      const w = await open();
      const many = Array.from({ length: 105 }, (_, index) => ({
        id: 100 + index,
        name: `Bulk ${index}`,
        sku: `BULK-${index}`,
        stockQuantity: index,
      }));
      await w.seed([...basics, ...many]);
      const items: CatalogItem[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const page = await w.connector.listCatalog(cursor);
        items.push(...page.items);
        cursor = page.nextCursor;
        cursors.push(cursor);
      } while (cursor !== null);
      expect(cursors).toEqual(['2', null]);
      expect(items).toHaveLength(105 + 6);
      expect(items.find((item) => item.sku === 'HAT-M')).toMatchObject({
        externalProductId: '20',
        externalVariantId: '22',
        manageStock: true,
      });
      expect(items.find((item) => item.externalVariantId === '30')).toMatchObject({ sku: '', externalProductId: '30' });
      // The variable parent holds no stock of its own, so it is not an item.
      expect(items.some((item) => item.externalVariantId === '20')).toBe(false);
    });

    it('readLevels matches SKUs exactly, finds variations, reads a blank SKU by id and leaves unknown SKUs out', async () => {
      const w = await open();
      await w.seed(basics);
      const levels = await w.connector.readLevels([
        { sku: 'SHIRT', externalVariantId: '10' },
        { sku: 'HAT-M', externalVariantId: '22' },
        { sku: 'NO-SUCH-SKU', externalVariantId: '999' },
        { sku: '', externalVariantId: '30' },
      ]);
      const bySku = Object.fromEntries(levels.map((level) => [level.sku, level]));
      expect(Object.keys(bySku).sort()).toEqual(['', 'HAT-M', 'SHIRT']);
      expect(bySku['SHIRT']).toMatchObject({ externalVariantId: '10', externalLocationId: 'default', available: 5 });
      expect(bySku['HAT-M']).toMatchObject({ externalVariantId: '22', available: 4 });
      expect(bySku['']).toMatchObject({ externalVariantId: '30', available: 1 });
    });

    it('readLevels splits a long SKU list into several exact-match queries', async () => {
      const w = await open();
      const many = Array.from({ length: 95 }, (_, index) => ({ id: 200 + index, name: `P${index}`, sku: `P-${index}`, stockQuantity: 7 }));
      await w.seed(many);
      const levels = await w.connector.readLevels(many.map((product) => ({ sku: product.sku, externalVariantId: String(product.id) })));
      expect(levels).toHaveLength(95);
      const skuQueries = (await w.calls()).filter((call) => call.endpoint === 'products' && call.query['sku']);
      expect(skuQueries).toHaveLength(3);
    });

    it('readAllLevels streams every stock item page by page', async () => {
      const w = await open();
      const many = Array.from({ length: 101 }, (_, index) => ({ id: 300 + index, name: `Q${index}`, sku: `Q-${index}`, stockQuantity: 1 }));
      await w.seed([...many, hats]);
      const pages: ChannelLevel[][] = [];
      for await (const page of w.connector.readAllLevels()) pages.push(page);
      expect(pages).toHaveLength(2);
      expect(pages.flat()).toHaveLength(103);
      expect(pages.flat().find((level) => level.sku === 'HAT-S')?.available).toBe(3);
    });

    it('writeLevels sends simple products and each parent’s variations to their batch endpoints', async () => {
      const w = await open();
      await w.seed(basics);
      const results = await w.connector.writeLevels(
        [
          write({ sku: 'SHIRT', externalVariantId: '10', quantity: 8 }),
          write({ sku: 'HAT-S', externalVariantId: '21', externalProductId: '20', quantity: 0 }),
          write({ sku: 'SCARF-RED', externalVariantId: '41', externalProductId: '40', quantity: 9 }),
        ],
        { idempotencyKey: 'push-1' },
      );
      expect(results.map((result) => result.outcome)).toEqual(['written', 'written', 'written']);
      expect([await w.stockOf(10), await w.stockOf(21), await w.stockOf(41)]).toEqual([8, 0, 9]);
      const posts = (await w.calls()).filter((call) => call.method === 'POST').map((call) => call.endpoint);
      expect(posts.sort()).toEqual(['products/20/variations/batch', 'products/40/variations/batch', 'products/batch']);
    });

    it('an unknown item is not_found, a variation under the wrong parent fails alone, the rest is written', async () => {
      const w = await open();
      await w.seed(basics);
      const results = await w.connector.writeLevels(
        [
          write({ sku: 'GONE', externalVariantId: '999', quantity: 1 }),
          write({ sku: 'HAT-M', externalVariantId: '22', externalProductId: '40', quantity: 1 }),
          write({ sku: 'SHIRT', externalVariantId: '10', quantity: 2 }),
        ],
        { idempotencyKey: 'push-2' },
      );
      expect(results[0]).toMatchObject({ sku: 'GONE', outcome: 'not_found' });
      expect(results[1]).toMatchObject({ sku: 'HAT-M', outcome: 'failed', error: { code: 'WOO_ITEM_REJECTED', retryable: false } });
      expect(results[2]).toMatchObject({ sku: 'SHIRT', outcome: 'written', quantity: 2 });
      expect(await w.stockOf(22)).toBe(4);
    });

    it('with expectedCurrent, a changed quantity is reported stale and left alone', async () => {
      const w = await open();
      await w.seed(basics);
      const results = await w.connector.writeLevels(
        [
          write({ sku: 'SHIRT', externalVariantId: '10', quantity: 1, expectedCurrent: 4 }),
          write({ sku: 'SHIRT-1', externalVariantId: '11', quantity: 2, expectedCurrent: 6 }),
        ],
        { idempotencyKey: 'push-3' },
      );
      expect(results).toEqual([
        { sku: 'SHIRT', externalLocationId: 'default', outcome: 'stale', actual: 5 },
        { sku: 'SHIRT-1', externalLocationId: 'default', outcome: 'written', quantity: 2 },
      ]);
      expect(await w.stockOf(10)).toBe(5);
    });

    it('more than 100 items are refused before any call', async () => {
      const w = await open();
      const batch = Array.from({ length: 101 }, (_, index) =>
        write({ sku: `S${index}`, externalVariantId: String(index + 1), quantity: 1 }),
      );
      const error = await caught(w.connector.writeLevels(batch, { idempotencyKey: 'too-big' }));
      expect(error.code).toBe('WOO_BATCH_TOO_LARGE');
      expect(errorKindOf(error)).toBe('permanent');
      expect(await w.calls()).toEqual([]);
    });

    it.each([
      { status: 503, kind: 'retryable', code: 'WOO_HTTP_503' },
      { status: 429, kind: 'throttled', code: 'WOO_THROTTLED' },
    ])('HTTP $status with Retry-After becomes a $kind error carrying the wait', async ({ status, kind, code }) => {
      const w = await open();
      await w.seed(basics);
      await w.failNext({ method: 'GET', endpoint: 'products', status, retryAfterSeconds: 7 });
      const error = await caught(w.connector.readLevels([{ sku: 'SHIRT', externalVariantId: '10' }]));
      expect({ kind: error.kind, code: error.code, status: error.status, retryAfterMs: error.retryAfterMs }).toEqual({
        kind,
        code,
        status,
        retryAfterMs: 7000,
      });
    });

    it('a batch that timed out after it was applied is re-read and not sent again', async () => {
      const w = await open({ timeoutMs: 1_000 });
      await w.seed(basics);
      await w.slowNext({ method: 'POST', endpoint: 'products/batch', delayMs: 3_000, apply: true });
      const results = await w.connector.writeLevels([write({ sku: 'SHIRT', externalVariantId: '10', quantity: 12 })], {
        idempotencyKey: 'slow-1',
      });
      expect(results).toEqual([{ sku: 'SHIRT', externalLocationId: 'default', outcome: 'written', quantity: 12 }]);
      const calls = (await w.calls()).map((call) => `${call.method} ${call.endpoint}`);
      expect(calls.filter((call) => call === 'POST products/batch')).toHaveLength(1);
      expect(calls.at(-1)).toBe('GET products');
    });

    it('a batch that timed out unapplied is re-read, then only the missing items are sent again', async () => {
      const w = await open({ timeoutMs: 1_000 });
      await w.seed(basics);
      await w.slowNext({ method: 'POST', endpoint: 'products/batch', delayMs: 3_000, apply: false });
      const results = await w.connector.writeLevels([write({ sku: 'SHIRT', externalVariantId: '10', quantity: 13 })], {
        idempotencyKey: 'slow-2',
      });
      expect(results[0]).toMatchObject({ outcome: 'written', quantity: 13 });
      expect(await w.stockOf(10)).toBe(13);
      const calls = (await w.calls()).map((call) => `${call.method} ${call.endpoint}`);
      expect(calls).toEqual(['POST products/batch', 'GET products', 'POST products/batch']);
    });

    it('webhooks: four topics with our secret, no duplicates on a second registration, all removed on unregister', async () => {
      const w = await open();
      const first = await w.connector.registerWebhooks(w.callbackUrl);
      expect(first.map((registration) => registration.topic)).toEqual([
        'order.created',
        'order.updated',
        'product.updated',
        'product.deleted',
      ]);
      expect(first.every((registration) => registration.address === w.callbackUrl)).toBe(true);
      const second = await w.connector.registerWebhooks(w.callbackUrl);
      expect(second.map((registration) => registration.id)).toEqual(first.map((registration) => registration.id));
      expect(await w.connector.listWebhooks()).toHaveLength(4);
      await w.connector.unregisterWebhooks(first);
      expect(await w.connector.listWebhooks()).toEqual([]);
      await expect(w.connector.unregisterWebhooks(first)).resolves.toBeUndefined();
    });

    it('a webhook WooCommerce disabled is reported and can be re-enabled', async () => {
      const w = await open();
      const [registration] = await w.connector.registerWebhooks(w.callbackUrl);
      if (!registration) throw new Error('no registration');
      await w.disableWebhook(registration.id);
      const disabled = (await w.connector.listWebhooks()).filter((webhook) => webhook.status === 'disabled');
      expect(disabled.map((webhook) => webhook.id)).toEqual([registration.id]);
      expect(await w.connector.reactivateWebhook(registration.id)).toMatchObject({ id: registration.id, status: 'active' });
      expect((await w.connector.listWebhooks()).every((webhook) => webhook.status === 'active')).toBe(true);
    });

    it('listChangedSince returns orders and products changed after the time, as webhook-shaped payloads', async () => {
      const w = await open();
      await w.seed(
        basics.map((product) => ({
          ...product,
          modifiedAt: '2020-01-01T00:00:00Z',
          variations: product.variations?.map((v) => ({ ...v, modifiedAt: '2020-01-01T00:00:00Z' })),
        })),
      );
      const since = new Date(Date.now() - 1_000);
      const orderId = await w.placeOrder({ sku: 'HAT-S', quantity: 1 });
      const events: { topic: string; resourceId: string; payload: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = await w.connector.listChangedSince(since, cursor);
        events.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(events.find((event) => event.resourceId === String(orderId))).toMatchObject({ topic: 'order.created' });
      const variation = events.find((event) => event.resourceId === '21');
      expect(variation?.topic).toBe('product.updated');
      expect(JSON.parse(variation?.payload ?? '{}')).toMatchObject({
        id: 21,
        sku: 'HAT-S',
        stock_quantity: 2,
        type: 'variation',
        parent_id: 20,
      });
      expect(events.some((event) => event.resourceId === '10')).toBe(false);
    });
  });
}
