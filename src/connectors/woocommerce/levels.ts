// Reading current quantities. `GET /products?sku=a,b,c` is an exact match on the SKU and, when a
// SKU filter is present, WooCommerce searches products and variations alike (platform-apis.md §4),
// so one query per chunk of SKUs covers both. Items whose SKU cannot be queried (blank, or holding
// a comma, which WooCommerce splits on) are read by id instead.
import type { ChannelLevel } from '../contract.js';
import { ConnectorError } from '../errors.js';
import { fetchAllPages } from './catalog.js';
import { parseBody, type WooClient } from './client.js';
import { skuOf, toLevel, WooStockItem } from './map.js';

/** SKUs per query: keeps the URL (plus OAuth parameters) far below common 8 KB server limits. */
export const SKU_CHUNK_SIZE = 40;

export type LevelQuery = { sku: string; externalVariantId: string };

export function isQueryableSku(sku: string): boolean {
  return sku.trim() !== '' && !sku.includes(',');
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/** Products and variations whose SKU is exactly one of `skus`. */
export async function fetchBySkus(client: WooClient, skus: string[]): Promise<WooStockItem[]> {
  const wanted = [...new Set(skus.map((sku) => sku.trim()).filter(isQueryableSku))];
  const found: WooStockItem[] = [];
  for (const part of chunk(wanted, SKU_CHUNK_SIZE)) {
    const items = await fetchAllPages(client, 'products', { sku: part.join(',') });
    const set = new Set(part);
    // WooCommerce matches exactly; checking again costs nothing and guards against plugins that widen the search.
    found.push(...items.filter((item) => set.has(skuOf(item))));
  }
  return found;
}

/** One product or variation by id (GET /products/{id} serves variations too); null when it no longer exists. */
export async function fetchById(client: WooClient, id: string): Promise<WooStockItem | null> {
  if (!/^\d+$/.test(id)) return null;
  const endpoint = `products/${id}`;
  try {
    const response = await client.request({ method: 'get', endpoint });
    return parseBody(WooStockItem, response, { method: 'get', endpoint });
  } catch (error) {
    const wooCode = error instanceof ConnectorError ? error.context['wooCode'] : undefined;
    if (error instanceof ConnectorError && (error.status === 404 || wooCode === 'woocommerce_rest_product_invalid_id')) return null;
    throw error;
  }
}

export async function readLevels(client: WooClient, items: LevelQuery[]): Promise<ChannelLevel[]> {
  const bySku = items.filter((item) => isQueryableSku(item.sku));
  const byId = items.filter((item) => !isQueryableSku(item.sku));
  const levels = (
    await fetchBySkus(
      client,
      bySku.map((item) => item.sku),
    )
  ).map(toLevel);
  for (const item of byId) {
    const found = await fetchById(client, item.externalVariantId);
    // A blank-SKU item is reported under the SKU it was asked for ("" stays "").
    if (found && skuOf(found) === item.sku.trim()) levels.push(toLevel(found));
  }
  return levels;
}

/**
 * What the store shows now for each variant id: the quantity, null when stock is not managed, or
 * absent from the map when the item no longer exists. Reads by SKU first, then by id for anything
 * the SKU query did not return (blank or changed SKUs).
 */
export async function readCurrentById(client: WooClient, items: LevelQuery[]): Promise<Map<string, number | null>> {
  const current = new Map<string, number | null>();
  for (const item of await fetchBySkus(
    client,
    items.map((entry) => entry.sku),
  )) {
    current.set(String(item.id), toLevel(item).available);
  }
  for (const item of items) {
    if (current.has(item.externalVariantId)) continue;
    const found = await fetchById(client, item.externalVariantId);
    if (found) current.set(String(found.id), toLevel(found).available);
  }
  return current;
}
