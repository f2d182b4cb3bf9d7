// Stock reads from ERPNext: Bin rows (one per item and warehouse, kept by the stock ledger), named
// and valued from their Items, paged by a keyset on (modified, name).
//
// Offset paging (limit_start) is not safe here: a Bin written while we page moves to the end of a
// `modified` ordering and shifts every later row one place left, so one would be skipped. The
// cursor instead remembers the last (modified, name) returned; the next page is the rest of that
// `modified` instant (name > last) followed by later instants. Frappe filters are AND-only, hence
// the two queries.
import { z } from 'zod';
import type { ErpStockRow, Page } from '../../contract.js';
import { PermanentError } from '../../errors.js';
import type { FrappeApi, FrappeFilter } from './frappe-api.js';
import { dateToFrappeTime } from './frappe-time.js';
import { BIN_FIELDS, binToRow, FrappeBin, FrappeItem } from './map.js';

const BinCursor = z.object({ m: z.string().min(1), n: z.string().min(1) });
type BinCursor = z.infer<typeof BinCursor>;

/** SKUs per `in` filter: keeps the query string well under common URL limits. */
const SKUS_PER_QUERY = 100;

export function createErpNextInventory(deps: { api: FrappeApi; pageSize: number; timeZone: () => Promise<string> }) {
  const { api, pageSize } = deps;

  async function withItems(bins: FrappeBin[]): Promise<ErpStockRow[]> {
    if (bins.length === 0) return [];
    const timeZone = await deps.timeZone();
    const codes = [...new Set(bins.map((bin) => bin.item_code))];
    const items = new Map<string, FrappeItem>();
    for (let start = 0; start < codes.length; start += SKUS_PER_QUERY) {
      const chunk = codes.slice(start, start + SKUS_PER_QUERY);
      const rows = await api.list('Item', FrappeItem, {
        fields: ['item_code', 'item_name', 'valuation_rate'],
        filters: [['item_code', 'in', chunk]],
        pageLength: chunk.length,
      });
      for (const item of rows) items.set(item.item_code, item);
    }
    return bins.map((bin) => binToRow(bin, items.get(bin.item_code), timeZone));
  }

  async function listBins(since: Date | null, cursorText: string | null): Promise<Page<ErpStockRow>> {
    const base: FrappeFilter[] = since ? [['modified', '>=', dateToFrappeTime(since, await deps.timeZone())]] : [];
    const bins: FrappeBin[] = [];
    let exhausted = false;
    const cursor = cursorText ? decodeCursor(cursorText) : null;
    if (cursor) {
      const sameInstant = await api.list('Bin', FrappeBin, {
        fields: BIN_FIELDS,
        filters: [...base, ['modified', '=', cursor.m], ['name', '>', cursor.n]],
        orderBy: 'name asc',
        pageLength: pageSize,
      });
      bins.push(...sameInstant);
    }
    if (bins.length < pageSize) {
      const wanted = pageSize - bins.length;
      const later = await api.list('Bin', FrappeBin, {
        fields: BIN_FIELDS,
        filters: cursor ? [...base, ['modified', '>', cursor.m]] : base,
        orderBy: 'modified asc, name asc',
        pageLength: wanted,
      });
      bins.push(...later);
      exhausted = later.length < wanted;
    }
    const last = bins.at(-1);
    const nextCursor = !exhausted && last ? encodeCursor({ m: last.modified, n: last.name }) : null;
    return { items: await withItems(bins), nextCursor };
  }

  return {
    listBins,

    async readBins(skus: string[]): Promise<ErpStockRow[]> {
      const unique = [...new Set(skus)];
      const bins: FrappeBin[] = [];
      for (let start = 0; start < unique.length; start += SKUS_PER_QUERY) {
        const chunk = unique.slice(start, start + SKUS_PER_QUERY);
        // A bounded point read: offset paging is fine, nothing here spans minutes.
        for (let offset = 0; ; offset += pageSize) {
          const page = await api.list('Bin', FrappeBin, {
            fields: BIN_FIELDS,
            filters: [['item_code', 'in', chunk]],
            orderBy: 'name asc',
            start: offset,
            pageLength: pageSize,
          });
          bins.push(...page);
          if (page.length < pageSize) break;
        }
      }
      return withItems(bins);
    },

    async listWarehouses(): Promise<string[]> {
      const names: string[] = [];
      for (let offset = 0; ; offset += pageSize) {
        const page = await api.list('Warehouse', z.object({ name: z.string() }), {
          fields: ['name'],
          // Group warehouses are folders in the tree: stock never sits in them.
          filters: [
            ['is_group', '=', 0],
            ['disabled', '=', 0],
          ],
          orderBy: 'name asc',
          start: offset,
          pageLength: pageSize,
        });
        names.push(...page.map((warehouse) => warehouse.name));
        if (page.length < pageSize) return names;
      }
    },
  };
}

function encodeCursor(cursor: BinCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): BinCursor {
  try {
    return BinCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new PermanentError('This ERPNext stock cursor is not one we issued', { code: 'ERP_BAD_CURSOR' });
  }
}
