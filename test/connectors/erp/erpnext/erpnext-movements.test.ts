// ERPNext movements as submitted Stock Entries, guarded by the idempotency key in `remarks`.
import type nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErpMovement } from '../../../../src/connectors/contract.js';
import { expectNockDone, rejectionOf, startSilentServer } from '../helpers.js';
import { erpnext, expectList, frappe, frappeError } from './frappe-nock.js';

afterEach(expectNockDone);

const SALE: ErpMovement = {
  sku: 'SKU-1',
  warehouse: 'Stores - ACME',
  quantity: -2,
  kind: 'sale',
  reference: 'shopify order #1001',
  occurredAt: new Date('2026-03-01T10:00:00.000Z'),
};
const KEY = 'mv_01HZX';

function expectSearch(scope: nock.Scope, key: string, found: unknown[]) {
  const escaped = key.replace(/[\\%_]/g, '\\$&');
  return expectList(
    scope,
    'Stock Entry',
    {
      fields: ['name', 'docstatus', 'remarks'],
      filters: [['remarks', 'like', `[stockbridge:${escaped}]%`]],
      orderBy: 'creation asc',
      pageLength: 5,
    },
    found,
  );
}

function expectKnown(scope: nock.Scope, item: unknown[], warehouse: unknown[] = [{ name: SALE.warehouse }]) {
  expectList(scope, 'Item', { fields: ['name', 'is_stock_item'], filters: [['name', '=', SALE.sku]], pageLength: 1 }, item);
  if (item.length > 0)
    expectList(scope, 'Warehouse', { fields: ['name'], filters: [['name', '=', SALE.warehouse]], pageLength: 1 }, warehouse);
}

function expectLedger(scope: nock.Scope, entry: string, rows: unknown[]) {
  return expectList(
    scope,
    'Stock Ledger Entry',
    {
      fields: ['qty_after_transaction'],
      filters: [
        ['voucher_type', '=', 'Stock Entry'],
        ['voucher_no', '=', entry],
        ['item_code', '=', SALE.sku],
        ['warehouse', '=', SALE.warehouse],
        ['is_cancelled', '=', 0],
      ],
      pageLength: 1,
    },
    rows,
  );
}

describe('ERPNext movements', () => {
  it('a sale is a submitted Material Issue carrying the key, and reports the ledger quantity after it', async () => {
    const scope = frappe();
    expectSearch(scope, KEY, []);
    expectKnown(scope, [{ name: 'SKU-1', is_stock_item: 1 }]);
    let posted: Record<string, unknown> | undefined;
    scope
      .post('/api/resource/Stock%20Entry', (body: Record<string, unknown>) => {
        posted = body;
        return true;
      })
      .reply(200, { data: { name: 'MAT-STE-2026-00017', docstatus: 1 } });
    expectLedger(scope, 'MAT-STE-2026-00017', [{ qty_after_transaction: 10 }]);
    expect(await erpnext().postMovement(SALE, KEY)).toEqual({ outcome: 'posted', erpReference: 'MAT-STE-2026-00017', resultingOnHand: 10 });
    expect(posted).toEqual({
      stock_entry_type: 'Material Issue',
      purpose: 'Material Issue',
      docstatus: 1,
      remarks: '[stockbridge:mv_01HZX] sale shopify order #1001 (occurred 2026-03-01T10:00:00.000Z)',
      items: [{ item_code: 'SKU-1', qty: 2, s_warehouse: 'Stores - ACME' }],
    });
  });

  it('a release is a Material Receipt into the target warehouse', async () => {
    const scope = frappe();
    expectSearch(scope, 'rel-1', []);
    expectKnown(scope, [{ name: 'SKU-1', is_stock_item: 1 }]);
    scope
      .post('/api/resource/Stock%20Entry', (body: { stock_entry_type: string; items: unknown[] }) => {
        expect(body.stock_entry_type).toBe('Material Receipt');
        expect(body.items).toEqual([{ item_code: 'SKU-1', qty: 3, t_warehouse: 'Stores - ACME' }]);
        return true;
      })
      .reply(200, { data: { name: 'MAT-STE-2026-00018', docstatus: 1 } });
    expectLedger(scope, 'MAT-STE-2026-00018', [{ qty_after_transaction: 15 }]);
    const result = await erpnext().postMovement({ ...SALE, quantity: 3, kind: 'release' }, 'rel-1');
    expect(result).toMatchObject({ outcome: 'posted', resultingOnHand: 15 });
  });

  it('a key already on a submitted entry is a duplicate: nothing is posted again', async () => {
    const scope = frappe();
    expectSearch(scope, KEY, [{ name: 'MAT-STE-2026-00017', docstatus: 1, remarks: '[stockbridge:mv_01HZX] sale shopify order #1001' }]);
    expectLedger(scope, 'MAT-STE-2026-00017', [{ qty_after_transaction: 10 }]);
    expect(await erpnext().postMovement(SALE, KEY)).toEqual({
      outcome: 'duplicate',
      erpReference: 'MAT-STE-2026-00017',
      resultingOnHand: 10,
    });
  });

  it('LIKE wildcards in the key are escaped, and a match that does not start with the exact marker is ignored', async () => {
    const scope = frappe();
    expectSearch(scope, 'a_b%c', [{ name: 'MAT-STE-9', docstatus: 1, remarks: 'copied: [stockbridge:a_b%c] by hand' }]);
    expectKnown(scope, [{ name: 'SKU-1', is_stock_item: 1 }]);
    scope.post('/api/resource/Stock%20Entry').reply(200, { data: { name: 'MAT-STE-10', docstatus: 1 } });
    expectLedger(scope, 'MAT-STE-10', [{ qty_after_transaction: 8 }]);
    expect(await erpnext().postMovement(SALE, 'a_b%c')).toMatchObject({ outcome: 'posted', erpReference: 'MAT-STE-10' });
  });

  it('a draft carrying the key is submitted instead of posting a second entry', async () => {
    const scope = frappe();
    expectSearch(scope, KEY, [{ name: 'MAT-STE-2026-00017', docstatus: 0, remarks: '[stockbridge:mv_01HZX] sale' }]);
    scope
      .put('/api/resource/Stock%20Entry/MAT-STE-2026-00017', { docstatus: 1 })
      .reply(200, { data: { name: 'MAT-STE-2026-00017', docstatus: 1 } });
    expectLedger(scope, 'MAT-STE-2026-00017', []);
    expect(await erpnext().postMovement(SALE, KEY)).toEqual({
      outcome: 'posted',
      erpReference: 'MAT-STE-2026-00017',
      resultingOnHand: undefined,
    });
  });

  it('an entry a person cancelled is not posted again', async () => {
    expectSearch(frappe(), KEY, [{ name: 'MAT-STE-2026-00017', docstatus: 2, remarks: '[stockbridge:mv_01HZX] sale' }]);
    expect(await rejectionOf(erpnext().postMovement(SALE, KEY))).toMatchObject({ kind: 'permanent', code: 'ERPNEXT_ENTRY_CANCELLED' });
  });

  it.each([
    ['an unknown item', [], [], 'ERP_UNKNOWN_ITEM'],
    ['a non-stock item', [{ name: 'SKU-1', is_stock_item: 0 }], [], 'ERPNEXT_NOT_STOCK_ITEM'],
    ['an unknown warehouse', [{ name: 'SKU-1', is_stock_item: 1 }], [], 'ERP_UNKNOWN_WAREHOUSE'],
  ])('%s is refused before any Stock Entry is posted', async (_label, item, warehouse, code) => {
    const scope = frappe();
    expectSearch(scope, KEY, []);
    expectList(scope, 'Item', { fields: ['name', 'is_stock_item'], filters: [['name', '=', SALE.sku]], pageLength: 1 }, item);
    if (code === 'ERP_UNKNOWN_WAREHOUSE')
      expectList(scope, 'Warehouse', { fields: ['name'], filters: [['name', '=', SALE.warehouse]], pageLength: 1 }, warehouse);
    expect(await rejectionOf(erpnext().postMovement(SALE, KEY))).toMatchObject({ kind: 'permanent', code });
  });

  it.each([
    [417, 'NegativeStockError', 'permanent', 'ERPNEXT_NEGATIVE_STOCK'],
    [417, 'InvalidWarehouseCompany', 'permanent', 'ERPNEXT_VALIDATION_ERROR'],
    [409, 'TimestampMismatchError', 'retryable', 'ERPNEXT_TIMESTAMP_MISMATCH'],
    [500, 'QueryDeadlockError', 'retryable', 'ERPNEXT_DATABASE_BUSY'],
  ])('HTTP %i %s from the Stock Entry is %s %s, with Frappe’s message and no traceback', async (status, excType, kind, code) => {
    const scope = frappe();
    expectSearch(scope, KEY, []);
    expectKnown(scope, [{ name: 'SKU-1', is_stock_item: 1 }]);
    scope.post('/api/resource/Stock%20Entry').reply(status, frappeError(excType, '2.0 units of SKU-1 needed in Stores - ACME'));
    const error = await rejectionOf(erpnext().postMovement(SALE, KEY));
    expect(error).toMatchObject({ kind, code, status });
    expect(String(error.message)).toContain('2.0 units of SKU-1 needed in Stores - ACME');
    expect(JSON.stringify(error)).not.toContain('Traceback');
    expect(String(error.message)).not.toContain('<b>');
  });

  it('an ERPNext that never answers is ERP_TIMEOUT (then the retry searches for the key first)', async () => {
    const server = await startSilentServer();
    try {
      const error = await rejectionOf(erpnext({ baseUrl: server.url, timeoutMs: 150 }).postMovement(SALE, KEY));
      expect(error).toMatchObject({ kind: 'retryable', code: 'ERP_TIMEOUT' });
    } finally {
      await server.close();
    }
  });
});
