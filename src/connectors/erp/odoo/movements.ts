// A movement becomes an Odoo inventory adjustment on the warehouse's stock location: set the quant's
// counted `inventory_quantity` to on-hand + delta, then `action_apply_inventory`, which posts a done
// stock.move (inventory mode; the Odoo user must be an Inventory Administrator).
//
// Idempotency: the move is named after the key through the `inventory_name` context, so its
// `reference` is "stockbridge:<key>"; we search done moves for that reference before adjusting and
// report a hit as a duplicate. Naming the move needs no custom field and shows in Odoo's moves
// history. A retry after a lost answer therefore finds the move instead of adjusting twice.
//
// Compare-and-set: inventory mode applies `inventory_diff_quantity`, which Odoo computes when the
// count is written (count − on hand at that moment). We read it back and rewrite until it equals our
// delta, and if on-hand moves again before the apply, Odoo itself refuses with its conflict wizard
// instead of applying. Both surface as the retryable ODOO_INVENTORY_CONFLICT.
import { z } from 'zod';
import type { ErpMovement, ErpMovementResult } from '../../contract.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { Warehouse } from './inventory.js';
import type { OdooRpc } from './json-rpc.js';

const INVENTORY_MODE = { inventory_mode: true };
const WRITE_ATTEMPTS = 3;
const Quant = z.object({ id: z.number(), quantity: z.number() });

export function moveReference(idempotencyKey: string): string {
  return `stockbridge:${idempotencyKey}`;
}

export function createOdooMovements(deps: { rpc: OdooRpc; warehouses: () => Promise<Warehouse[]> }) {
  const { rpc } = deps;

  const doneMoves = (reference: string) =>
    rpc.executeKw({
      model: 'stock.move',
      method: 'search_read',
      args: [
        [
          ['reference', '=', reference],
          ['state', '=', 'done'],
        ],
      ],
      kwargs: { fields: ['id'], limit: 1 },
      result: z.array(z.object({ id: z.number() })),
    });

  async function target(movement: ErpMovement): Promise<{ productId: number; warehouse: Warehouse }> {
    const products = await rpc.executeKw({
      model: 'product.product',
      method: 'search_read',
      args: [[['default_code', '=', movement.sku]]],
      kwargs: { fields: ['id'], limit: 2 },
      result: z.array(z.object({ id: z.number() })),
    });
    const product = products[0];
    if (!product)
      throw new PermanentError(`Odoo has no product with internal reference ${movement.sku}`, {
        code: 'ERP_UNKNOWN_ITEM',
        context: { sku: movement.sku },
      });
    if (products.length > 1) {
      throw new PermanentError(`Several Odoo products have internal reference ${movement.sku}`, {
        code: 'ODOO_DUPLICATE_SKU',
        context: { sku: movement.sku },
      });
    }
    const warehouse = (await deps.warehouses()).find((candidate) => candidate.code === movement.warehouse);
    if (!warehouse) {
      throw new PermanentError(`Odoo has no warehouse with code ${movement.warehouse}`, {
        code: 'ERP_UNKNOWN_WAREHOUSE',
        context: { warehouse: movement.warehouse },
      });
    }
    return { productId: product.id, warehouse };
  }

  /** Writes the count so that Odoo's own diff equals the delta; returns the quant id. */
  async function setCount(productId: number, locationId: number, delta: number): Promise<number> {
    const found = await rpc.executeKw({
      model: 'stock.quant',
      method: 'search_read',
      args: [
        [
          ['product_id', '=', productId],
          ['location_id', '=', locationId],
          ['lot_id', '=', false],
          ['package_id', '=', false],
          ['owner_id', '=', false],
        ],
      ],
      kwargs: { fields: ['id', 'quantity'], limit: 1 },
      result: z.array(Quant),
    });
    let quant = found[0];
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      const count = (quant?.quantity ?? 0) + delta;
      let quantId: number;
      if (quant) {
        quantId = quant.id;
        await rpc.executeKw({
          model: 'stock.quant',
          method: 'write',
          args: [[quantId], { inventory_quantity: count }],
          kwargs: { context: INVENTORY_MODE },
          result: z.boolean(),
        });
      } else {
        const created = await rpc.executeKw({
          model: 'stock.quant',
          method: 'create',
          args: [{ product_id: productId, location_id: locationId, inventory_quantity: count }],
          kwargs: { context: INVENTORY_MODE },
          result: z.union([z.number(), z.array(z.number()).min(1)]),
        });
        quantId = Array.isArray(created) ? (created[0] as number) : created;
      }
      const [check] = await rpc.executeKw({
        model: 'stock.quant',
        method: 'read',
        args: [[quantId], ['quantity', 'inventory_diff_quantity']],
        result: z.array(z.object({ id: z.number(), quantity: z.number(), inventory_diff_quantity: z.number() })),
      });
      if (check && Math.abs(check.inventory_diff_quantity - delta) < 1e-9) return quantId;
      quant = { id: quantId, quantity: check?.quantity ?? 0 }; // on hand moved between read and write
    }
    throw new RetryableError('Odoo stock kept changing while we adjusted it', { code: 'ODOO_INVENTORY_CONFLICT' });
  }

  async function onHand(productId: number, locationId: number): Promise<number> {
    const quants = await rpc.executeKw({
      model: 'stock.quant',
      method: 'search_read',
      args: [
        [
          ['product_id', '=', productId],
          ['location_id', 'child_of', locationId],
        ],
      ],
      kwargs: { fields: ['quantity'] },
      result: z.array(z.object({ quantity: z.number() })),
    });
    return quants.reduce((sum, quant) => sum + quant.quantity, 0);
  }

  return {
    async postMovement(movement: ErpMovement, idempotencyKey: string): Promise<ErpMovementResult> {
      const reference = moveReference(idempotencyKey);
      const [existing] = await doneMoves(reference);
      if (existing) return { outcome: 'duplicate', erpReference: `stock.move/${existing.id}` };
      const { productId, warehouse } = await target(movement);
      const quantId = await setCount(productId, warehouse.stockLocationId, movement.quantity);
      const wizard = await rpc.executeKw({
        model: 'stock.quant',
        method: 'action_apply_inventory',
        args: [[quantId]],
        kwargs: { context: { ...INVENTORY_MODE, inventory_name: reference } },
        result: z.union([z.null(), z.boolean(), z.object({ res_model: z.string().optional() }).loose()]),
      });
      // Applied, the method returns nothing; otherwise it returns the wizard a person would see.
      if (wizard && typeof wizard === 'object') {
        if (wizard.res_model === 'stock.track.confirmation') {
          throw new PermanentError(`Odoo tracks ${movement.sku} by lot or serial: adjust it in Odoo`, {
            code: 'ODOO_LOT_REQUIRED',
            context: { sku: movement.sku },
          });
        }
        throw new RetryableError('Odoo stock changed between the count and its application', {
          code: 'ODOO_INVENTORY_CONFLICT',
          context: { wizard: wizard.res_model },
        });
      }
      const [move] = await doneMoves(reference);
      return {
        outcome: 'posted',
        erpReference: move ? `stock.move/${move.id}` : `stock.quant/${quantId}`,
        resultingOnHand: await onHand(productId, warehouse.stockLocationId),
      };
    },
  };
}
