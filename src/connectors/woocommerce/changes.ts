// The safety net for webhooks WooCommerce dropped (it never retries, and disables a webhook after
// 7 failures in a row): orders and products modified after a time, as webhook-shaped payloads.
// Orders first, then products; the cursor names the phase and page ("orders:2", "products:1").
//
// - `modified_after` with `dates_are_gmt=true` compares post_modified_gmt, stored to the second,
//   so the window starts one whole second early; the inbox de-duplicates the overlap.
// - Variations are not listed by /products. Saving a variation re-syncs and saves its parent,
//   which updates the parent's modified time (WC_Product_Variable::sync), so the variations of each
//   modified variable product are fetched with the same filter. Each is emitted as
//   `product.updated` with `type: "variation"` and `parent_id`, as WooCommerce's own webhook for a
//   variation carries them. (WC_Product_Variable::sync saving the parent is in WooCommerce's source;
//   that every stock change of a variation reaches it was not verified on a live store: if not,
//   such changes wait for reconciliation.)
// - Deleted products are not listed (trash is excluded), so product.deleted has no poll twin;
//   reconciliation notices them as SKUs missing from the store.
import type { ChangedSince } from '../contract.js';
import { PermanentError } from '../errors.js';
import { fetchVariations, hasNextPage, PAGE_SIZE } from './catalog.js';
import { parseBody, type WooClient } from './client.js';
import { formatGmt, parseGmt, WooOrderList, type WooStockItem, WooStockItemList } from './map.js';

type Phase = 'orders' | 'products';
type ChangeEvent = ChangedSince['events'][number];

function parseCursor(cursor: string | null): { phase: Phase; page: number } {
  if (cursor === null) return { phase: 'orders', page: 1 };
  const match = /^(orders|products):(\d+)$/.exec(cursor);
  const page = Number(match?.[2]);
  if (!match || page < 1)
    throw new PermanentError(`not a WooCommerce change cursor: ${JSON.stringify(cursor)}`, { code: 'WOO_BAD_CURSOR' });
  return { phase: match[1] as Phase, page };
}

function windowStart(since: Date): string {
  const seconds = Math.floor(since.getTime() / 1000) - 1;
  return formatGmt(new Date(seconds * 1000));
}

function modifiedAtOf(resource: { date_modified_gmt?: string | null | undefined }, fallback: Date): Date {
  return parseGmt(resource.date_modified_gmt) ?? fallback;
}

function productEvent(item: WooStockItem, since: Date): ChangeEvent {
  return { topic: 'product.updated', resourceId: String(item.id), modifiedAt: modifiedAtOf(item, since), payload: JSON.stringify(item) };
}

async function orderPage(client: WooClient, since: Date, page: number): Promise<{ events: ChangeEvent[]; hasNext: boolean }> {
  const params = { modified_after: windowStart(since), dates_are_gmt: true, per_page: PAGE_SIZE, page, orderby: 'id', order: 'asc' };
  const response = await client.request({ method: 'get', endpoint: 'orders', params });
  const orders = parseBody(WooOrderList, response, { method: 'get', endpoint: 'orders' });
  const events = orders.map((order) => {
    const createdAt = parseGmt(order.date_created_gmt);
    return {
      topic: createdAt && createdAt.getTime() >= since.getTime() ? 'order.created' : 'order.updated',
      resourceId: String(order.id),
      modifiedAt: modifiedAtOf(order, since),
      payload: JSON.stringify(order),
    };
  });
  return { events, hasNext: hasNextPage(page, response.totalPages, orders.length) };
}

async function productPage(client: WooClient, since: Date, page: number): Promise<{ events: ChangeEvent[]; hasNext: boolean }> {
  const filter = { modified_after: windowStart(since), dates_are_gmt: true };
  const params = { ...filter, per_page: PAGE_SIZE, page, orderby: 'id', order: 'asc' };
  const response = await client.request({ method: 'get', endpoint: 'products', params });
  const products = parseBody(WooStockItemList, response, { method: 'get', endpoint: 'products' });
  const events: ChangeEvent[] = [];
  for (const product of products) {
    events.push(productEvent(product, since));
    if (product.type !== 'variable') continue;
    for (const variation of await fetchVariations(client, product.id, filter)) {
      events.push(productEvent({ ...variation, type: 'variation', parent_id: variation.parent_id || product.id }, since));
    }
  }
  return { events, hasNext: hasNextPage(page, response.totalPages, products.length) };
}

export async function listChangedSince(client: WooClient, since: Date, cursor: string | null): Promise<ChangedSince> {
  const { phase, page } = parseCursor(cursor);
  if (phase === 'orders') {
    const { events, hasNext } = await orderPage(client, since, page);
    return { events, nextCursor: hasNext ? `orders:${page + 1}` : 'products:1' };
  }
  const { events, hasNext } = await productPage(client, since, page);
  return { events, nextCursor: hasNext ? `products:${page + 1}` : null };
}
