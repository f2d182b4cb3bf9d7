// Stock reads from Odoo. A warehouse's sellable stock is the stock.quant rows under its stock location
// (stock.warehouse.lot_stock_id, child_of, so shelves and bins count); one row per product and
// warehouse sums them: on hand = Σ quantity, reserved = Σ reserved_quantity, available = on hand −
// reserved (what Odoo's own available_quantity computes per quant). The SKU is
// product.product.default_code. Odoo datetimes are UTC text ("2026-03-01 10:15:00").
//
// Every known product gets a row for every warehouse, zeros included: Odoo deletes empty quants, so
// a missing row would otherwise be ambiguous ("no stock" or "not read").
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { ErpStockRow, Page } from '../../contract.js';
import { PermanentError } from '../../errors.js';
import type { OdooRpc } from './json-rpc.js';

const Many2one = z.union([z.tuple([z.number(), z.string()]), z.literal(false)]);
const OdooText = z.union([z.string(), z.literal(false)]);

export const OdooWarehouse = z.object({ id: z.number(), code: z.string(), name: z.string(), lot_stock_id: Many2one });
const OdooProduct = z.object({
  id: z.number(),
  default_code: OdooText,
  display_name: OdooText,
  standard_price: z.number(),
  write_date: z.string(),
});
type OdooProduct = z.infer<typeof OdooProduct>;
const OdooQuant = z.object({
  product_id: Many2one,
  warehouse_id: Many2one,
  quantity: z.number(),
  reserved_quantity: z.number(),
  write_date: z.string(),
});

const PRODUCT_FIELDS = ['default_code', 'display_name', 'standard_price', 'write_date'];
const ChangeCursor = z.object({ w: z.string(), id: z.number().int() });

export type Warehouse = { id: number; code: string; name: string; stockLocationId: number };

export function odooTimeToDate(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

export function dateToOdooTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function createOdooInventory(deps: { rpc: OdooRpc; pageSize: number }) {
  const { rpc, pageSize } = deps;

  async function warehouses(): Promise<Warehouse[]> {
    const rows = await rpc.executeKw({
      model: 'stock.warehouse',
      method: 'search_read',
      args: [[]],
      kwargs: { fields: ['code', 'name', 'lot_stock_id'], order: 'id asc' },
      result: z.array(OdooWarehouse),
    });
    return rows.flatMap((row) =>
      row.lot_stock_id ? [{ id: row.id, code: row.code, name: row.name, stockLocationId: row.lot_stock_id[0] }] : [],
    );
  }

  async function rowsForProducts(products: OdooProduct[], known: Warehouse[]): Promise<ErpStockRow[]> {
    const withSku = products.filter((product) => product.default_code);
    if (withSku.length === 0 || known.length === 0) return [];
    const ids = withSku.map((product) => product.id);
    const quants = await rpc.executeKw({
      model: 'stock.quant',
      method: 'search_read',
      args: [
        [
          ['product_id', 'in', ids],
          ['location_id', 'child_of', known.map((warehouse) => warehouse.stockLocationId)],
        ],
      ],
      kwargs: { fields: ['product_id', 'warehouse_id', 'quantity', 'reserved_quantity', 'write_date'] },
      result: z.array(OdooQuant),
    });
    const incoming = new Map<string, number>();
    for (const warehouse of known) {
      // incoming_qty is computed per warehouse from the context (Odoo ≤16 reads `warehouse`, 17+ `warehouse_id`).
      const rows = await rpc.executeKw({
        model: 'product.product',
        method: 'read',
        args: [ids, ['incoming_qty']],
        kwargs: { context: { warehouse: warehouse.id, warehouse_id: warehouse.id } },
        result: z.array(z.object({ id: z.number(), incoming_qty: z.number() })),
      });
      for (const row of rows) incoming.set(`${row.id}:${warehouse.id}`, row.incoming_qty);
    }
    const sums = new Map<string, { onHand: number; reserved: number; updated: string }>();
    for (const quant of quants) {
      if (!quant.product_id || !quant.warehouse_id) continue;
      const key = `${quant.product_id[0]}:${quant.warehouse_id[0]}`;
      const sum = sums.get(key) ?? { onHand: 0, reserved: 0, updated: '' };
      sum.onHand += quant.quantity;
      sum.reserved += quant.reserved_quantity;
      if (quant.write_date > sum.updated) sum.updated = quant.write_date;
      sums.set(key, sum);
    }
    return withSku.flatMap((product) =>
      known.map((warehouse) => {
        const key = `${product.id}:${warehouse.id}`;
        const sum = sums.get(key) ?? { onHand: 0, reserved: 0, updated: product.write_date };
        return {
          sku: product.default_code as string,
          warehouse: warehouse.code,
          onHand: sum.onHand,
          reserved: sum.reserved,
          incoming: incoming.get(key) ?? 0,
          available: sum.onHand - sum.reserved,
          // standard_price 0 means "no cost recorded", not "free".
          ...(product.standard_price > 0 ? { unitCost: new Decimal(product.standard_price).toFixed() } : {}),
          ...(product.display_name ? { name: product.display_name } : {}),
          updatedAt: odooTimeToDate(sum.updated || product.write_date),
        };
      }),
    );
  }

  async function products(domain: unknown[], extra: { order?: string; limit?: number } = {}): Promise<OdooProduct[]> {
    return rpc.executeKw({
      model: 'product.product',
      method: 'search_read',
      args: [domain],
      kwargs: { fields: PRODUCT_FIELDS, ...extra },
      result: z.array(OdooProduct),
    });
  }

  return {
    warehouses,

    /** Products that have quants, by ascending id; the cursor is the last id. */
    async listStock(cursor: string | null): Promise<Page<ErpStockRow>> {
      const afterId = cursor === null ? 0 : Number(cursor);
      if (!Number.isSafeInteger(afterId) || afterId < 0)
        throw new PermanentError('This Odoo stock cursor is not one we issued', { code: 'ERP_BAD_CURSOR' });
      const page = await products(
        [
          ['default_code', '!=', false],
          ['stock_quant_ids', '!=', false],
          ['id', '>', afterId],
        ],
        { order: 'id asc', limit: pageSize },
      );
      const last = page.at(-1);
      const items = await rowsForProducts(page, await warehouses());
      return { items, nextCursor: page.length === pageSize && last ? String(last.id) : null };
    },

    /** Quants written since `since` (keyset on write_date, id), reported as full rows of their products. */
    async listChangedStock(since: Date, cursorText: string | null): Promise<Page<ErpStockRow>> {
      const known = await warehouses();
      const cursor = cursorText ? decodeChangeCursor(cursorText) : null;
      const domain: unknown[] = [
        ['write_date', '>=', dateToOdooTime(since)],
        ['location_id', 'child_of', known.map((warehouse) => warehouse.stockLocationId)],
      ];
      if (cursor) domain.push('|', ['write_date', '>', cursor.w], '&', ['write_date', '=', cursor.w], ['id', '>', cursor.id]);
      const changed = await rpc.executeKw({
        model: 'stock.quant',
        method: 'search_read',
        args: [domain],
        kwargs: { fields: ['product_id', 'write_date'], order: 'write_date asc, id asc', limit: pageSize },
        result: z.array(z.object({ id: z.number(), product_id: Many2one, write_date: z.string() })),
      });
      const productIds = [...new Set(changed.flatMap((quant) => (quant.product_id ? [quant.product_id[0]] : [])))];
      const items = productIds.length === 0 ? [] : await rowsForProducts(await products([['id', 'in', productIds]]), known);
      const last = changed.at(-1);
      const nextCursor =
        changed.length === pageSize && last ? Buffer.from(JSON.stringify({ w: last.write_date, id: last.id })).toString('base64url') : null;
      return { items, nextCursor };
    },

    async readStock(skus: string[]): Promise<ErpStockRow[]> {
      const unique = [...new Set(skus)];
      if (unique.length === 0) return [];
      const known = await warehouses();
      const rows: ErpStockRow[] = [];
      for (let start = 0; start < unique.length; start += pageSize) {
        const chunk = unique.slice(start, start + pageSize);
        rows.push(...(await rowsForProducts(await products([['default_code', 'in', chunk]], { order: 'id asc' }), known)));
      }
      return rows;
    },
  };
}

function decodeChangeCursor(text: string) {
  try {
    return ChangeCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new PermanentError('This Odoo change cursor is not one we issued', { code: 'ERP_BAD_CURSOR' });
  }
}
