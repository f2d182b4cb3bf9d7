// A movement becomes one submitted Stock Entry: Material Issue takes stock out of `s_warehouse`,
// Material Receipt puts it into `t_warehouse`.
//
// Idempotency: the key is written at the start of the entry's `remarks` as "[stockbridge:<key>]",
// and we search for it before posting. `remarks` exists on every Stock Entry, needs no custom field
// (nothing to install on the merchant's ERPNext), is shown on the document so people see where an
// entry came from, and list filters can search it with LIKE. The entry is inserted with
// docstatus 1, which Frappe inserts and submits in one transaction, so no draft is left behind by a
// failure in between. Check-then-post is not atomic on its own: the engine never posts the same key
// twice at once (movements are posted under the SKU's lock), and a retry after a lost answer finds
// the submitted entry and reports it as a duplicate.
import { z } from 'zod';
import type { ErpMovement, ErpMovementResult } from '../../contract.js';
import { ConnectorError, PermanentError } from '../../errors.js';
import type { FrappeApi } from './frappe-api.js';

const StockEntryMatch = z.object({ name: z.string(), docstatus: z.number().int(), remarks: z.string().nullish() });
const LedgerRow = z.object({ qty_after_transaction: z.number() });

export function idempotencyMarker(idempotencyKey: string): string {
  return `[stockbridge:${idempotencyKey}]`;
}

/** LIKE treats % and _ as wildcards and \ as the escape (MariaDB's default). */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, '\\$&')}%`;
}

export function createErpNextMovements(deps: { api: FrappeApi; log: { warn: (obj: object, msg: string) => void } }) {
  const { api } = deps;

  async function findEntry(marker: string) {
    const matches = await api.list('Stock Entry', StockEntryMatch, {
      fields: ['name', 'docstatus', 'remarks'],
      filters: [['remarks', 'like', likePrefix(marker)]],
      orderBy: 'creation asc',
      pageLength: 5,
    });
    return matches.find((entry) => (entry.remarks ?? '').startsWith(marker));
  }

  /** On-hand right after our entry, from its own stock ledger row (exact even if others post later). */
  async function resultingOnHand(entryName: string, movement: ErpMovement): Promise<number | undefined> {
    try {
      const rows = await api.list('Stock Ledger Entry', LedgerRow, {
        fields: ['qty_after_transaction'],
        filters: [
          ['voucher_type', '=', 'Stock Entry'],
          ['voucher_no', '=', entryName],
          ['item_code', '=', movement.sku],
          ['warehouse', '=', movement.warehouse],
          ['is_cancelled', '=', 0],
        ],
        pageLength: 1,
      });
      return rows[0]?.qty_after_transaction;
    } catch (error) {
      // The entry is posted; failing now would only make the engine retry into a duplicate.
      if (!(error instanceof ConnectorError)) throw error;
      deps.log.warn({ code: error.code, entry: entryName }, 'erpnext: posted, but the resulting quantity could not be read');
      return undefined;
    }
  }

  async function assertKnown(movement: ErpMovement): Promise<void> {
    const items = await api.list('Item', z.object({ name: z.string(), is_stock_item: z.number().nullish() }), {
      fields: ['name', 'is_stock_item'],
      filters: [['name', '=', movement.sku]],
      pageLength: 1,
    });
    const item = items[0];
    if (!item)
      throw new PermanentError(`ERPNext has no item ${movement.sku}`, { code: 'ERP_UNKNOWN_ITEM', context: { sku: movement.sku } });
    if (item.is_stock_item === 0) {
      throw new PermanentError(`ERPNext item ${movement.sku} does not keep stock`, {
        code: 'ERPNEXT_NOT_STOCK_ITEM',
        context: { sku: movement.sku },
      });
    }
    const warehouses = await api.list('Warehouse', z.object({ name: z.string() }), {
      fields: ['name'],
      filters: [['name', '=', movement.warehouse]],
      pageLength: 1,
    });
    if (warehouses.length === 0) {
      throw new PermanentError(`ERPNext has no warehouse ${movement.warehouse}`, {
        code: 'ERP_UNKNOWN_WAREHOUSE',
        context: { warehouse: movement.warehouse },
      });
    }
  }

  return {
    async postMovement(movement: ErpMovement, idempotencyKey: string): Promise<ErpMovementResult> {
      const marker = idempotencyMarker(idempotencyKey);
      const existing = await findEntry(marker);
      if (existing?.docstatus === 1) {
        return { outcome: 'duplicate', erpReference: existing.name, resultingOnHand: await resultingOnHand(existing.name, movement) };
      }
      if (existing?.docstatus === 2) {
        // A person cancelled the entry in ERPNext: posting it again would overrule them.
        throw new PermanentError(`Stock Entry ${existing.name} for this movement was cancelled in ERPNext`, {
          code: 'ERPNEXT_ENTRY_CANCELLED',
          context: { entry: existing.name },
        });
      }
      if (existing) {
        // A draft carrying our key (created by hand or by an older client): submit it rather than add a second entry.
        const submitted = await api.update('Stock Entry', existing.name, { docstatus: 1 });
        return { outcome: 'posted', erpReference: submitted.name, resultingOnHand: await resultingOnHand(submitted.name, movement) };
      }
      await assertKnown(movement);
      const type = movement.quantity < 0 ? 'Material Issue' : 'Material Receipt';
      const line =
        movement.quantity < 0
          ? { item_code: movement.sku, qty: -movement.quantity, s_warehouse: movement.warehouse }
          : { item_code: movement.sku, qty: movement.quantity, t_warehouse: movement.warehouse };
      // Posted "now" rather than back-dated to occurredAt: a back-dated entry makes ERPNext repost
      // later ledger rows and can fail on negative stock in the past. occurredAt stays in remarks.
      const entry = await api.insert('Stock Entry', {
        stock_entry_type: type,
        purpose: type,
        docstatus: 1,
        remarks: `${marker} ${movement.kind} ${movement.reference} (occurred ${movement.occurredAt.toISOString()})`,
        items: [line],
      });
      // Frappe submits a document inserted with docstatus 1; should a site's hooks leave it a draft, submit it now.
      const posted = entry.docstatus === 1 ? entry : await api.update('Stock Entry', entry.name, { docstatus: 1 });
      return { outcome: 'posted', erpReference: posted.name, resultingOnHand: await resultingOnHand(posted.name, movement) };
    },
  };
}
