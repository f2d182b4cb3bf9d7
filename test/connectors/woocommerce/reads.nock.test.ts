// Reads against exact nock fixtures: pagination by X-WP-TotalPages, SKU lookups, the changed-since
// poll (window, cursor, topics), bad cursors, and failures that must surface as typed errors.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { API, createTestConnector, order, pages, product, store, variation } from './nock-helpers.js';

afterEach(() => {
  nock.cleanAll();
});

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as ConnectorError,
  );

describe('WooCommerce reads (nock)', () => {
  it('the catalog asks for 100 products per page by id, follows X-WP-TotalPages and pages variations too', async () => {
    const { connector } = createTestConnector();
    const page1 = store()
      .get(`${API}/products`)
      .query({ per_page: '100', page: '1', orderby: 'id', order: 'asc' })
      .reply(
        200,
        [product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 2 }), product({ id: 2, type: 'variable', name: 'Tee' })],
        pages(2, 101),
      );
    const variations1 = store()
      .get(`${API}/products/2/variations`)
      .query({ per_page: '100', page: '1', orderby: 'id', order: 'asc' })
      .reply(200, [variation({ id: 3, sku: 'TEE-S', manage_stock: true, stock_quantity: 1 })], pages(2, 101));
    const variations2 = store()
      .get(`${API}/products/2/variations`)
      .query({ per_page: '100', page: '2', orderby: 'id', order: 'asc' })
      .reply(200, [variation({ id: 4, sku: 'TEE-M', manage_stock: 'parent', stock_quantity: null })], pages(2, 101));
    const page2 = store()
      .get(`${API}/products`)
      .query({ per_page: '100', page: '2', orderby: 'id', order: 'asc' })
      .reply(200, [product({ id: 5, type: 'external', sku: 'EXT' }), product({ id: 6, type: 'grouped', sku: 'GRP' })], pages(2, 101));

    const first = await connector.listCatalog(null);
    expect(first.nextCursor).toBe('2');
    expect(first.items.map((item) => [item.sku, item.externalProductId, item.externalVariantId, item.manageStock])).toEqual([
      ['A', '1', '1', true],
      ['TEE-S', '2', '3', true],
      ['TEE-M', '2', '4', false],
    ]);
    expect(first.items[1]?.title).toBe('Tee – Black');
    // External and grouped products never hold stock.
    expect(await connector.listCatalog(first.nextCursor)).toEqual({ items: [], nextCursor: null });
    expect([page1, variations1, variations2, page2].every((scope) => scope.isDone())).toBe(true);
  });

  it.each(['0', 'abc', '-1', '1.5'])('a catalog cursor %j is refused as WOO_BAD_CURSOR', async (cursor) => {
    const { connector } = createTestConnector();
    expect(await caught(connector.listCatalog(cursor))).toMatchObject({ kind: 'permanent', code: 'WOO_BAD_CURSOR' });
  });

  it('readLevels reports a quantity only for managed stock and never a different SKU', async () => {
    const { connector } = createTestConnector();
    store()
      .get(`${API}/products`)
      .query({ sku: 'A,B', per_page: '100', page: '1' })
      .reply(
        200,
        [
          product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 3, date_modified_gmt: '2026-01-02T03:04:05' }),
          product({ id: 2, sku: 'B', manage_stock: false, stock_quantity: null }),
          product({ id: 9, sku: 'A-PLUGIN-WIDENED', manage_stock: true, stock_quantity: 1 }),
        ],
        pages(1),
      );
    const levels = await connector.readLevels([
      { sku: 'A', externalVariantId: '1' },
      { sku: 'B', externalVariantId: '2' },
    ]);
    expect(levels).toEqual([
      { sku: 'A', externalVariantId: '1', externalLocationId: 'default', available: 3, updatedAt: new Date('2026-01-02T03:04:05Z') },
      expect.objectContaining({ sku: 'B', externalVariantId: '2', available: null }),
    ]);
  });

  it('an unknown SKU yields no level, and a SKU holding a comma is read by id', async () => {
    const { connector } = createTestConnector();
    store().get(`${API}/products`).query({ sku: 'NOPE', per_page: '100', page: '1' }).reply(200, [], pages(0, 0));
    store()
      .get(`${API}/products/7`)
      .reply(200, product({ id: 7, sku: 'RED,LARGE', manage_stock: true, stock_quantity: 2 }));
    const levels = await connector.readLevels([
      { sku: 'NOPE', externalVariantId: '6' },
      { sku: 'RED,LARGE', externalVariantId: '7' },
    ]);
    expect(levels.map((level) => [level.sku, level.available])).toEqual([['RED,LARGE', 2]]);
  });

  it('a body that is not a product list is WOO_INVALID_RESPONSE, retryable', async () => {
    const { connector } = createTestConnector();
    store().get(`${API}/products`).query(true).reply(200, '<html>Maintenance</html>', { 'Content-Type': 'text/html' });
    expect(await caught(connector.readLevels([{ sku: 'A', externalVariantId: '1' }]))).toMatchObject({
      kind: 'retryable',
      code: 'WOO_INVALID_RESPONSE',
    });
  });

  it('a refused connection is WOO_UNREACHABLE and carries no request configuration', async () => {
    const { connector } = createTestConnector();
    store()
      .get(`${API}/products`)
      .query(true)
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), { code: 'ECONNREFUSED' }));
    const error = await caught(connector.readLevels([{ sku: 'A', externalVariantId: '1' }]));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'retryable', code: 'WOO_UNREACHABLE' });
    expect(error?.cause).toBeUndefined();
  });

  it('the changed-since poll walks orders then products, with a window one second early and dates in GMT', async () => {
    const { connector } = createTestConnector();
    const since = new Date('2026-03-01T10:00:00.600Z');
    const filter = { modified_after: '2026-03-01T09:59:59', dates_are_gmt: 'true', orderby: 'id', order: 'asc', per_page: '100' };
    store()
      .get(`${API}/orders`)
      .query({ ...filter, page: '1' })
      .reply(
        200,
        [
          order({ id: 50, date_created_gmt: '2026-03-01T10:00:01', date_modified_gmt: '2026-03-01T10:00:01' }),
          order({ id: 40, status: 'cancelled', date_created_gmt: '2026-02-01T08:00:00', date_modified_gmt: '2026-03-01T10:00:02' }),
        ],
        pages(1, 2),
      );
    store()
      .get(`${API}/products`)
      .query({ ...filter, page: '1' })
      .reply(200, [product({ id: 2, type: 'variable', date_modified_gmt: '2026-03-01T10:00:03' })], pages(1, 1));
    store()
      .get(`${API}/products/2/variations`)
      .query({ modified_after: filter.modified_after, dates_are_gmt: 'true', orderby: 'id', order: 'asc', per_page: '100', page: '1' })
      .reply(
        200,
        [variation({ id: 3, sku: 'TEE-S', manage_stock: true, stock_quantity: 0, date_modified_gmt: '2026-03-01T10:00:03' })],
        pages(1, 1),
      );

    const orders = await connector.listChangedSince(since, null);
    expect(orders.nextCursor).toBe('products:1');
    expect(orders.events.map((event) => [event.topic, event.resourceId])).toEqual([
      ['order.created', '50'],
      ['order.updated', '40'],
    ]);
    expect(JSON.parse(orders.events[1]?.payload ?? '{}')).toMatchObject({ id: 40, status: 'cancelled', line_items: [{ product_id: 93 }] });
    const products = await connector.listChangedSince(since, orders.nextCursor);
    expect(products.nextCursor).toBeNull();
    expect(products.events.map((event) => [event.topic, event.resourceId, event.modifiedAt.toISOString()])).toEqual([
      ['product.updated', '2', '2026-03-01T10:00:03.000Z'],
      ['product.updated', '3', '2026-03-01T10:00:03.000Z'],
    ]);
    expect(JSON.parse(products.events[1]?.payload ?? '{}')).toMatchObject({ id: 3, type: 'variation', parent_id: 2, stock_quantity: 0 });
  });

  it.each(['orders', 'products:0', 'shipments:1', 'orders:x'])('a change cursor %j is refused as WOO_BAD_CURSOR', async (cursor) => {
    const { connector } = createTestConnector();
    expect(await caught(connector.listChangedSince(new Date(), cursor))).toMatchObject({ kind: 'permanent', code: 'WOO_BAD_CURSOR' });
  });
});
