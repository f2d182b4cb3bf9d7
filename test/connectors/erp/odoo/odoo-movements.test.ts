// Odoo movements as inventory adjustments (stock.quant inventory mode), guarded by the key in the
// done stock.move's reference, with Odoo's computed diff checked before applying.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErpMovement } from '../../../../src/connectors/contract.js';
import { expectNockDone, rejectionOf } from '../helpers.js';
import { expectAuthenticate, expectKw, expectKwError, expectWarehouses, ODOO_ORIGIN, odoo } from './odoo-nock.js';

afterEach(expectNockDone);

const SALE: ErpMovement = {
  sku: 'SKU-1',
  warehouse: 'WH',
  quantity: -2,
  kind: 'sale',
  reference: 'order-1001',
  occurredAt: new Date('2026-03-01T10:00:00Z'),
};
const KEY = 'mv-1001';
const REFERENCE = 'stockbridge:mv-1001';
const CONTEXT = { inventory_mode: true };

function moveSearch(scope: nock.Scope, found: unknown[]) {
  expectKw(
    scope,
    {
      model: 'stock.move',
      method: 'search_read',
      args: [
        [
          ['reference', '=', REFERENCE],
          ['state', '=', 'done'],
        ],
      ],
      kwargs: { fields: ['id'], limit: 1 },
    },
    found,
  );
}

function productSearch(scope: nock.Scope, found: unknown[], sku = 'SKU-1') {
  expectKw(
    scope,
    { model: 'product.product', method: 'search_read', args: [[['default_code', '=', sku]]], kwargs: { fields: ['id'], limit: 2 } },
    found,
  );
}

function quantSearch(scope: nock.Scope, found: unknown[]) {
  const domain = [
    ['product_id', '=', 41],
    ['location_id', '=', 8],
    ['lot_id', '=', false],
    ['package_id', '=', false],
    ['owner_id', '=', false],
  ];
  expectKw(scope, { model: 'stock.quant', method: 'search_read', args: [domain], kwargs: { fields: ['id', 'quantity'], limit: 1 } }, found);
}

const writeCount = (scope: nock.Scope, quantId: number, count: number) =>
  expectKw(
    scope,
    { model: 'stock.quant', method: 'write', args: [[quantId], { inventory_quantity: count }], kwargs: { context: CONTEXT } },
    true,
  );
const readDiff = (scope: nock.Scope, quantId: number, quantity: number, diff: number) =>
  expectKw(scope, { model: 'stock.quant', method: 'read', args: [[quantId], ['quantity', 'inventory_diff_quantity']] }, [
    { id: quantId, quantity, inventory_diff_quantity: diff },
  ]);
const apply = (scope: nock.Scope, quantId: number, result: unknown) =>
  expectKw(
    scope,
    {
      model: 'stock.quant',
      method: 'action_apply_inventory',
      args: [[quantId]],
      kwargs: { context: { ...CONTEXT, inventory_name: REFERENCE } },
    },
    result,
  );
const onHand = (scope: nock.Scope, quantities: number[]) =>
  expectKw(
    scope,
    {
      model: 'stock.quant',
      method: 'search_read',
      args: [
        [
          ['product_id', '=', 41],
          ['location_id', 'child_of', 8],
        ],
      ],
      kwargs: { fields: ['quantity'] },
    },
    quantities.map((quantity) => ({ quantity })),
  );

function arrangeTarget(scope: nock.Scope) {
  expectAuthenticate(scope);
  moveSearch(scope, []);
  productSearch(scope, [{ id: 41 }]);
  expectWarehouses(scope);
}

describe('Odoo movements', () => {
  it('a sale sets the count to on-hand − 2, checks Odoo’s diff, applies it under the key and reports on-hand after', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, [{ id: 300, quantity: 12 }]);
    writeCount(scope, 300, 10);
    readDiff(scope, 300, 12, -2);
    apply(scope, 300, null);
    moveSearch(scope, [{ id: 5001 }]);
    onHand(scope, [10, 4]);
    expect(await odoo().postMovement(SALE, KEY)).toEqual({ outcome: 'posted', erpReference: 'stock.move/5001', resultingOnHand: 14 });
  });

  it('a key whose move is already done is a duplicate: no count is written', async () => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    moveSearch(scope, [{ id: 5001 }]);
    expect(await odoo().postMovement(SALE, KEY)).toEqual({ outcome: 'duplicate', erpReference: 'stock.move/5001' });
  });

  it('when on-hand moves between the read and the write, the count is rewritten until the diff is the delta', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, [{ id: 300, quantity: 12 }]);
    writeCount(scope, 300, 10);
    readDiff(scope, 300, 11, -1); // an Odoo sale took one unit meanwhile
    writeCount(scope, 300, 9);
    readDiff(scope, 300, 11, -2);
    apply(scope, 300, false);
    moveSearch(scope, [{ id: 5002 }]);
    onHand(scope, [9]);
    expect(await odoo().postMovement(SALE, KEY)).toMatchObject({ outcome: 'posted', resultingOnHand: 9 });
  });

  it('a receipt into a location without a quant creates one in inventory mode', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, []);
    expectKw(
      scope,
      {
        model: 'stock.quant',
        method: 'create',
        args: [{ product_id: 41, location_id: 8, inventory_quantity: 5 }],
        kwargs: { context: CONTEXT },
      },
      301,
    );
    readDiff(scope, 301, 0, 5);
    apply(scope, 301, null);
    moveSearch(scope, [{ id: 5003 }]);
    onHand(scope, [5]);
    expect(await odoo().postMovement({ ...SALE, quantity: 5, kind: 'release' }, KEY)).toMatchObject({
      outcome: 'posted',
      resultingOnHand: 5,
    });
  });

  it('Odoo’s conflict wizard (stock moved before the apply) is retryable ODOO_INVENTORY_CONFLICT', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, [{ id: 300, quantity: 12 }]);
    writeCount(scope, 300, 10);
    readDiff(scope, 300, 12, -2);
    apply(scope, 300, { type: 'ir.actions.act_window', res_model: 'stock.inventory.conflict', view_mode: 'form', target: 'new' });
    expect(await rejectionOf(odoo().postMovement(SALE, KEY))).toMatchObject({ kind: 'retryable', code: 'ODOO_INVENTORY_CONFLICT' });
  });

  it('a lot-tracked product is permanent ODOO_LOT_REQUIRED', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, [{ id: 300, quantity: 12 }]);
    writeCount(scope, 300, 10);
    readDiff(scope, 300, 12, -2);
    apply(scope, 300, { type: 'ir.actions.act_window', res_model: 'stock.track.confirmation' });
    expect(await rejectionOf(odoo().postMovement(SALE, KEY))).toMatchObject({ kind: 'permanent', code: 'ODOO_LOT_REQUIRED' });
  });

  it('stock that keeps changing gives up after three writes with ODOO_INVENTORY_CONFLICT, applying nothing', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, [{ id: 300, quantity: 12 }]);
    writeCount(scope, 300, 10);
    readDiff(scope, 300, 11, -1);
    writeCount(scope, 300, 9);
    readDiff(scope, 300, 10, -1);
    writeCount(scope, 300, 8);
    readDiff(scope, 300, 9, -1);
    expect(await rejectionOf(odoo().postMovement(SALE, KEY))).toMatchObject({ kind: 'retryable', code: 'ODOO_INVENTORY_CONFLICT' });
  });

  it.each([
    ['no product has the SKU', [], 'ERP_UNKNOWN_ITEM'],
    ['two products share the SKU', [{ id: 41 }, { id: 77 }], 'ODOO_DUPLICATE_SKU'],
  ])('%s: permanent %s before any count', async (_label, products, code) => {
    const scope = nock(ODOO_ORIGIN);
    expectAuthenticate(scope);
    moveSearch(scope, []);
    productSearch(scope, products);
    expect(await rejectionOf(odoo().postMovement(SALE, KEY))).toMatchObject({ kind: 'permanent', code });
  });

  it('an unknown warehouse code is permanent ERP_UNKNOWN_WAREHOUSE', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    expect(await rejectionOf(odoo().postMovement({ ...SALE, warehouse: 'NOPE' }, KEY))).toMatchObject({
      kind: 'permanent',
      code: 'ERP_UNKNOWN_WAREHOUSE',
    });
  });

  it('a user without inventory rights gets Odoo’s UserError as permanent ODOO_USER_ERROR', async () => {
    const scope = nock(ODOO_ORIGIN);
    arrangeTarget(scope);
    quantSearch(scope, []);
    expectKwError(
      scope,
      {
        model: 'stock.quant',
        method: 'create',
        args: [{ product_id: 41, location_id: 8, inventory_quantity: -2 }],
        kwargs: { context: CONTEXT },
      },
      'odoo.exceptions.UserError',
      "Quant's creation is restricted, you can't do this operation.",
    );
    const error = await rejectionOf(odoo().postMovement(SALE, KEY));
    expect(error).toMatchObject({ kind: 'permanent', code: 'ODOO_USER_ERROR' });
    expect(String(error.message)).toContain("Quant's creation is restricted");
  });
});
