// Odoo stock reads over JSON-RPC against nock fixtures: quants summed per product and warehouse,
// default_code as SKU, paging, changes by write_date, the connection test and RPC error mapping.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNockDone, rejectionOf, startSilentServer } from '../helpers.js';
import {
  expectAuthenticate,
  expectKw,
  expectKwError,
  expectLevels,
  expectWarehouses,
  ODOO_ORIGIN,
  odoo,
  PRODUCT_FIELDS,
} from './odoo-nock.js';

afterEach(expectNockDone);

const BLUE = { id: 41, default_code: 'SKU-1', display_name: '[SKU-1] Blue mug', standard_price: 4.2, write_date: '2026-02-01 08:00:00' };
const RED = { id: 42, default_code: 'SKU-2', display_name: '[SKU-2] Red mug', standard_price: 0, write_date: '2026-02-02 08:00:00' };
const BLUE_QUANTS = [
  {
    product_id: [41, BLUE.display_name],
    warehouse_id: [1, 'San Francisco'],
    quantity: 5,
    reserved_quantity: 2,
    write_date: '2026-03-01 10:00:00',
  },
  {
    product_id: [41, BLUE.display_name],
    warehouse_id: [1, 'San Francisco'],
    quantity: 7,
    reserved_quantity: 0,
    write_date: '2026-03-01 11:30:00',
  },
  {
    product_id: [41, BLUE.display_name],
    warehouse_id: [2, 'Brussels'],
    quantity: 3,
    reserved_quantity: 0,
    write_date: '2026-03-01 09:00:00',
  },
];

describe('Odoo stock reads', () => {
  it('sums quants per product and warehouse, zero-fills warehouses without stock, and pages by product id', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    const productQuery = (afterId: number) => ({
      model: 'product.product',
      method: 'search_read',
      args: [
        [
          ['default_code', '!=', false],
          ['stock_quant_ids', '!=', false],
          ['id', '>', afterId],
        ],
      ],
      kwargs: { fields: PRODUCT_FIELDS, order: 'id asc', limit: 2 },
    });
    expectKw(scope, productQuery(0), [BLUE, RED]);
    expectWarehouses(scope, 2);
    expectLevels(scope, [41, 42], BLUE_QUANTS, { 1: { 41: 5 } });
    expectKw(scope, productQuery(42), []);
    const erp = odoo({ pageSize: 2 });
    const first = await erp.listStock(null);
    expect(first.items).toEqual([
      {
        sku: 'SKU-1',
        warehouse: 'WH',
        onHand: 12,
        reserved: 2,
        incoming: 5,
        available: 10,
        unitCost: '4.2',
        name: '[SKU-1] Blue mug',
        updatedAt: new Date('2026-03-01T11:30:00Z'),
      },
      expect.objectContaining({
        sku: 'SKU-1',
        warehouse: 'EU',
        onHand: 3,
        available: 3,
        incoming: 0,
        updatedAt: new Date('2026-03-01T09:00:00Z'),
      }),
      // No quants: zeros, dated by the product, and no cost (standard_price 0 means none recorded).
      {
        sku: 'SKU-2',
        warehouse: 'WH',
        onHand: 0,
        reserved: 0,
        incoming: 0,
        available: 0,
        name: '[SKU-2] Red mug',
        updatedAt: new Date('2026-02-02T08:00:00Z'),
      },
      expect.objectContaining({ sku: 'SKU-2', warehouse: 'EU', onHand: 0 }),
    ]);
    expect(first.nextCursor).toBe('42');
    expect(await erp.listStock(first.nextCursor)).toEqual({ items: [], nextCursor: null });
  });

  it('lists products whose quants were written since an instant, with a (write_date, id) keyset cursor', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    expectWarehouses(scope, 2);
    const base = [
      ['write_date', '>=', '2026-03-01 10:00:00'],
      ['location_id', 'child_of', [8, 20]],
    ];
    const kwargs = { fields: ['product_id', 'write_date'], order: 'write_date asc, id asc', limit: 1 };
    expectKw(scope, { model: 'stock.quant', method: 'search_read', args: [base], kwargs }, [
      { id: 900, product_id: [41, BLUE.display_name], write_date: '2026-03-01 11:30:00' },
    ]);
    expectKw(scope, { model: 'product.product', method: 'search_read', args: [[['id', 'in', [41]]]], kwargs: { fields: PRODUCT_FIELDS } }, [
      BLUE,
    ]);
    expectLevels(scope, [41], BLUE_QUANTS);
    const keyset = [
      ...base,
      '|',
      ['write_date', '>', '2026-03-01 11:30:00'],
      '&',
      ['write_date', '=', '2026-03-01 11:30:00'],
      ['id', '>', 900],
    ];
    expectKw(scope, { model: 'stock.quant', method: 'search_read', args: [keyset], kwargs }, []);
    const erp = odoo({ pageSize: 1 });
    const since = new Date('2026-03-01T10:00:00.750Z');
    const first = await erp.listChangedStock(since, null);
    expect(first.items.map((row) => [row.sku, row.warehouse, row.onHand])).toEqual([
      ['SKU-1', 'WH', 12],
      ['SKU-1', 'EU', 3],
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(await erp.listChangedStock(since, first.nextCursor)).toEqual({ items: [], nextCursor: null });
  });

  it('reads given SKUs by default_code; unknown SKUs are simply absent', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    expectWarehouses(scope);
    expectKw(
      scope,
      {
        model: 'product.product',
        method: 'search_read',
        args: [[['default_code', 'in', ['SKU-1', 'NOPE']]]],
        kwargs: { fields: PRODUCT_FIELDS, order: 'id asc' },
      },
      [BLUE],
    );
    expectLevels(scope, [41], BLUE_QUANTS);
    const rows = await odoo().readStock(['SKU-1', 'NOPE']);
    expect(rows.map((row) => `${row.sku}@${row.warehouse}=${row.available}`)).toEqual(['SKU-1@WH=10', 'SKU-1@EU=3']);
    expect(await odoo().readStock([])).toEqual([]);
  });

  it('the connection test authenticates and lists warehouse codes', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    expectWarehouses(scope);
    expect(await odoo().testConnection()).toEqual({
      outcome: 'ok',
      detail: 'Connected to Odoo: 2 warehouses found.',
      warehouses: ['WH', 'EU'],
    });
  });

  it('a refused login is auth_failed; no database configured is not_found without any call', async () => {
    expectAuthenticate(nock(ODOO_ORIGIN), false);
    expect(await odoo().testConnection()).toMatchObject({ outcome: 'auth_failed' });
    expect(await odoo({ database: null }).testConnection()).toMatchObject({
      outcome: 'not_found',
      detail: expect.stringContaining('database'),
    });
  });

  it('a database that does not exist is not_found', async () => {
    nock(ODOO_ORIGIN)
      .post('/jsonrpc')
      .reply(200, async (request: Request) => ({
        jsonrpc: '2.0',
        id: ((await request.json()) as { id: number }).id,
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: { name: 'psycopg2.OperationalError', message: 'connection failed: FATAL:  database "acme-prod" does not exist' },
        },
      }));
    expect(await odoo().testConnection()).toMatchObject({ outcome: 'not_found' });
  });

  it('a key revoked after login is ERP_AUTH_FAILED, and the next call logs in again', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    const warehouses = {
      model: 'stock.warehouse',
      method: 'search_read',
      args: [[]],
      kwargs: { fields: ['code', 'name', 'lot_stock_id'], order: 'id asc' },
    };
    expectKwError(scope, warehouses, 'odoo.exceptions.AccessDenied', 'Access Denied');
    expectAuthenticate(scope);
    expectWarehouses(scope);
    const erp = odoo();
    expect(await rejectionOf(erp.listWarehouses())).toMatchObject({ kind: 'permanent', code: 'ERP_AUTH_FAILED' });
    expect(await erp.listWarehouses()).toEqual(['WH', 'EU']);
  });

  it.each([
    ['odoo.exceptions.AccessError', 'permanent', 'ERP_FORBIDDEN'],
    ['odoo.exceptions.UserError', 'permanent', 'ODOO_USER_ERROR'],
    ['psycopg2.errors.SerializationFailure', 'retryable', 'ODOO_DATABASE_ERROR'],
    ['builtins.KeyError', 'permanent', 'ODOO_RPC_ERROR'],
  ])('an RPC error %s is %s %s, without the server traceback', async (name, kind, code) => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    expectKwError(
      scope,
      {
        model: 'stock.warehouse',
        method: 'search_read',
        args: [[]],
        kwargs: { fields: ['code', 'name', 'lot_stock_id'], order: 'id asc' },
      },
      name,
      'nope',
    );
    const error = await rejectionOf(odoo().listWarehouses());
    expect(error).toMatchObject({ kind, code });
    expect(JSON.stringify(error)).not.toContain('Traceback');
  });

  it.each([
    [429, 'throttled', 'ERP_THROTTLED', 4000],
    [502, 'retryable', 'ERP_HTTP_5XX', 4000],
  ])('HTTP %i on /jsonrpc is %s %s with the Retry-After wait', async (status, kind, code, retryAfterMs) => {
    nock(ODOO_ORIGIN).post('/jsonrpc').reply(status, 'busy', { 'Retry-After': '4' });
    expect(await rejectionOf(odoo().listWarehouses())).toMatchObject({ kind, code, retryAfterMs });
  });

  it('an Odoo that never answers is ERP_TIMEOUT', async () => {
    const server = await startSilentServer();
    try {
      expect(await rejectionOf(odoo({ baseUrl: server.url, timeoutMs: 150 }).listWarehouses())).toMatchObject({
        kind: 'retryable',
        code: 'ERP_TIMEOUT',
      });
    } finally {
      await server.close();
    }
  });
});
