// ERPNext stock reads against nock fixtures of Frappe's REST API: Bin rows, keyset paging on
// (modified, name), the site time zone, warehouses and the connection test.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNockDone, rejectionOf } from '../helpers.js';
import { BIN_FIELDS, bin, ERPNEXT_ORIGIN, erpnext, expectList, expectTimeZone, frappe, frappeError } from './frappe-nock.js';

afterEach(expectNockDone);

const ITEM_FIELDS = ['item_code', 'item_name', 'valuation_rate'];
const WAREHOUSE_FILTERS = [
  ['is_group', '=', 0],
  ['disabled', '=', 0],
];

describe('ERPNext stock reads', () => {
  it('pages Bins by (modified, name), names and values them from Items, and reads modified in the site zone', async () => {
    const scope = frappe();
    expectTimeZone(scope, 'Europe/Berlin');
    expectList(scope, 'Bin', { fields: BIN_FIELDS, filters: undefined, orderBy: 'modified asc, name asc', pageLength: 2 }, [
      bin({ name: 'bin-a' }),
      bin({
        name: 'bin-b',
        item_code: 'SKU-2',
        warehouse: 'East - ACME',
        actual_qty: 3,
        reserved_qty: 0,
        ordered_qty: 0,
        valuation_rate: 0,
      }),
    ]);
    expectList(scope, 'Item', { fields: ITEM_FIELDS, filters: [['item_code', 'in', ['SKU-1', 'SKU-2']]], pageLength: 2 }, [
      { item_code: 'SKU-1', item_name: 'Blue mug', valuation_rate: 3.9 },
      { item_code: 'SKU-2', item_name: 'Red mug', valuation_rate: 1.25 },
    ]);
    const erp = erpnext({ pageSize: 2 });
    const first = await erp.listStock(null);
    expect(first.items).toEqual([
      {
        sku: 'SKU-1',
        warehouse: 'Stores - ACME',
        onHand: 12,
        reserved: 2,
        incoming: 5,
        available: 10,
        unitCost: '4.2',
        name: 'Blue mug',
        updatedAt: new Date('2026-03-01T10:00:00.250Z'),
      },
      // No valuation in the Bin yet: the Item's rate stands in.
      expect.objectContaining({ sku: 'SKU-2', warehouse: 'East - ACME', available: 3, unitCost: '1.25', name: 'Red mug' }),
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));

    // Next page: the rest of the same instant first, then later instants; fewer than asked = the end.
    expectList(
      scope,
      'Bin',
      {
        fields: BIN_FIELDS,
        filters: [
          ['modified', '=', '2026-03-01 11:00:00.250000'],
          ['name', '>', 'bin-b'],
        ],
        orderBy: 'name asc',
        pageLength: 2,
      },
      [bin({ name: 'bin-c', item_code: 'SKU-3', warehouse: 'Stores - ACME' })],
    );
    expectList(
      scope,
      'Bin',
      { fields: BIN_FIELDS, filters: [['modified', '>', '2026-03-01 11:00:00.250000']], orderBy: 'modified asc, name asc', pageLength: 1 },
      [],
    );
    expectList(scope, 'Item', { fields: ITEM_FIELDS, filters: [['item_code', 'in', ['SKU-3']]], pageLength: 1 }, []);
    const second = await erp.listStock(first.nextCursor);
    expect(second.items).toEqual([expect.objectContaining({ sku: 'SKU-3', unitCost: '4.2' })]);
    expect(second.items[0]).not.toHaveProperty('name');
    expect(second.nextCursor).toBeNull();
  });

  it('lists changes since an instant with a modified filter written in the site zone', async () => {
    const scope = frappe();
    expectTimeZone(scope, 'Asia/Kolkata');
    expectList(
      scope,
      'Bin',
      {
        fields: BIN_FIELDS,
        filters: [['modified', '>=', '2026-03-01 15:30:00.000000']],
        orderBy: 'modified asc, name asc',
        pageLength: 200,
      },
      [bin({ modified: '2026-03-01 15:30:02.000000' })],
    );
    expectList(scope, 'Item', { fields: ITEM_FIELDS, filters: [['item_code', 'in', ['SKU-1']]], pageLength: 1 }, [
      { item_code: 'SKU-1', item_name: 'Blue mug', valuation_rate: 0 },
    ]);
    const page = await erpnext().listChangedStock(new Date('2026-03-01T10:00:00.000Z'), null);
    expect(page.items).toEqual([expect.objectContaining({ sku: 'SKU-1', updatedAt: new Date('2026-03-01T10:00:02.000Z') })]);
    expect(page.nextCursor).toBeNull();
  });

  it('a site without a time zone is read as Frappe reads it (Asia/Kolkata)', async () => {
    const scope = frappe();
    expectTimeZone(scope, null);
    expectList(
      scope,
      'Bin',
      {
        fields: BIN_FIELDS,
        filters: [['modified', '>=', '2026-03-01 15:30:00.000000']],
        orderBy: 'modified asc, name asc',
        pageLength: 200,
      },
      [],
    );
    expect(await erpnext().listChangedStock(new Date('2026-03-01T10:00:00.000Z'), null)).toEqual({ items: [], nextCursor: null });
  });

  it('reads given SKUs with an `in` filter, leaving unknown SKUs out, and pages by offset until a short page', async () => {
    const scope = frappe();
    expectTimeZone(scope, 'UTC');
    const filters = [['item_code', 'in', ['SKU-1', 'NOPE']]];
    expectList(scope, 'Bin', { fields: BIN_FIELDS, filters, orderBy: 'name asc', pageLength: 1 }, [bin({ name: 'bin-a' })]);
    expectList(scope, 'Bin', { fields: BIN_FIELDS, filters, orderBy: 'name asc', start: 1, pageLength: 1 }, []);
    expectList(scope, 'Item', { fields: ITEM_FIELDS, filters: [['item_code', 'in', ['SKU-1']]], pageLength: 1 }, []);
    const rows = await erpnext({ pageSize: 1 }).readStock(['SKU-1', 'NOPE', 'SKU-1']);
    expect(rows.map((row) => [row.sku, row.available])).toEqual([['SKU-1', 10]]);
  });

  it('a bad cursor is refused without a call', async () => {
    expect(await rejectionOf(erpnext().listStock('not-a-cursor'))).toMatchObject({ kind: 'permanent', code: 'ERP_BAD_CURSOR' });
  });

  it('lists leaf, enabled warehouses, and the connection test checks the token first', async () => {
    const scope = frappe();
    scope.get('/api/method/frappe.auth.get_logged_user').reply(200, { message: 'stock-bot@acme.test' });
    expectList(scope, 'Warehouse', { fields: ['name'], filters: WAREHOUSE_FILTERS, orderBy: 'name asc', pageLength: 200 }, [
      { name: 'East - ACME' },
      { name: 'Stores - ACME' },
    ]);
    expect(await erpnext().testConnection()).toEqual({
      outcome: 'ok',
      detail: 'Connected to ERPNext: 2 warehouses found.',
      warehouses: ['East - ACME', 'Stores - ACME'],
    });
  });

  it.each([
    [401, 'AuthenticationError', 'auth_failed'],
    [403, 'PermissionError', 'forbidden'],
  ])('the connection test turns %i %s into %s, without Frappe internals', async (status, excType, outcome) => {
    frappe().get('/api/method/frappe.auth.get_logged_user').reply(status, frappeError(excType, 'Not permitted'));
    const result = await erpnext().testConnection();
    expect(result.outcome).toBe(outcome);
    expect(result.detail).not.toContain('Traceback');
  });

  it('a wrong base URL (404 from a plain web server) is not_found', async () => {
    nock(ERPNEXT_ORIGIN).get('/api/method/frappe.auth.get_logged_user').reply(404, '<html>Not Found</html>');
    expect((await erpnext().testConnection()).outcome).toBe('not_found');
  });

  it.each([
    [503, 'retryable', 'ERP_HTTP_5XX', { 'Retry-After': '7' }, 7000, '<html>503 Service Temporarily Unavailable</html>'],
    [429, 'throttled', 'ERP_THROTTLED', { 'Retry-After': '3' }, 3000, frappeError('TooManyRequestsError', 'slow down')],
  ])('HTTP %i on a stock read is %s %s with the Retry-After wait', async (status, kind, code, headers, retryAfterMs, body) => {
    frappe().get('/api/method/frappe.client.get_time_zone').reply(status, body, headers);
    const error = await rejectionOf(erpnext().listChangedStock(new Date(), null));
    expect(error).toMatchObject({ kind, code, retryAfterMs });
  });

  it('a failed time-zone read is retried by the next call rather than remembered', async () => {
    const scope = frappe();
    scope.get('/api/method/frappe.client.get_time_zone').reply(502, 'bad gateway');
    expectTimeZone(scope, 'UTC');
    expectList(
      scope,
      'Bin',
      {
        fields: BIN_FIELDS,
        filters: [['modified', '>=', '2026-03-01 10:00:00.000000']],
        orderBy: 'modified asc, name asc',
        pageLength: 200,
      },
      [],
    );
    const erp = erpnext();
    expect(await rejectionOf(erp.listChangedStock(new Date('2026-03-01T10:00:00Z'), null))).toMatchObject({ code: 'ERP_HTTP_5XX' });
    expect(await erp.listChangedStock(new Date('2026-03-01T10:00:00Z'), null)).toEqual({ items: [], nextCursor: null });
  });
});
