// The store's catalog, page by page: products (per_page=100, the REST maximum) and, for variable
// products, their variations from /products/{id}/variations. Pages are counted by X-WP-TotalPages.
import type { CatalogItem, ChannelLevel, Page } from '../contract.js';
import { PermanentError } from '../errors.js';
import { parseBody, type WooClient, type WooParams } from './client.js';
import { holdsStock, productCatalogItem, toLevel, variationCatalogItem, type WooStockItem, WooStockItemList } from './map.js';

export const PAGE_SIZE = 100;

export type CatalogEntry = { product: WooStockItem; variations: WooStockItem[] };

/** Whether another page follows; without X-WP-TotalPages (some proxies strip it) a full page means "maybe". */
export function hasNextPage(page: number, totalPages: number | null, received: number): boolean {
  if (totalPages !== null) return page < totalPages;
  return received >= PAGE_SIZE;
}

/** Every page of a collection endpoint, in order. */
export async function fetchAllPages(client: WooClient, endpoint: string, params: WooParams = {}): Promise<WooStockItem[]> {
  const items: WooStockItem[] = [];
  for (let page = 1; ; page += 1) {
    const response = await client.request({ method: 'get', endpoint, params: { ...params, per_page: PAGE_SIZE, page } });
    const batch = parseBody(WooStockItemList, response, { method: 'get', endpoint });
    items.push(...batch);
    if (!hasNextPage(page, response.totalPages, batch.length)) return items;
  }
}

export function fetchVariations(client: WooClient, parentId: number, params: WooParams = {}): Promise<WooStockItem[]> {
  return fetchAllPages(client, `products/${parentId}/variations`, { orderby: 'id', order: 'asc', ...params });
}

/** One page of products with the variations of the variable ones. */
export async function fetchProductPage(
  client: WooClient,
  page: number,
  params: WooParams = {},
): Promise<{ entries: CatalogEntry[]; hasNext: boolean }> {
  const response = await client.request({
    method: 'get',
    endpoint: 'products',
    // Ordered by id so pages stay stable while the catalog changes underneath.
    params: { ...params, per_page: PAGE_SIZE, page, orderby: 'id', order: 'asc' },
  });
  const products = parseBody(WooStockItemList, response, { method: 'get', endpoint: 'products' });
  const entries: CatalogEntry[] = [];
  for (const product of products) {
    const variations = product.type === 'variable' ? await fetchVariations(client, product.id) : [];
    entries.push({ product, variations });
  }
  return { entries, hasNext: hasNextPage(page, response.totalPages, products.length) };
}

/** The stock items of one entry: a variable parent counts only when it holds the stock itself. */
function stockItemsOf(entry: CatalogEntry): { item: WooStockItem; parent: WooStockItem | null }[] {
  const { product, variations } = entry;
  if (product.type === 'variable') {
    const own = product.manage_stock === true ? [{ item: product, parent: null }] : [];
    return [...own, ...variations.map((variation) => ({ item: variation, parent: product }))];
  }
  return holdsStock(product) ? [{ item: product, parent: null }] : [];
}

export function parsePageCursor(cursor: string | null): number {
  if (cursor === null) return 1;
  const page = Number(cursor);
  if (!Number.isInteger(page) || page < 1) {
    throw new PermanentError(`not a WooCommerce catalog cursor: ${JSON.stringify(cursor)}`, { code: 'WOO_BAD_CURSOR' });
  }
  return page;
}

export async function listCatalog(client: WooClient, cursor: string | null): Promise<Page<CatalogItem>> {
  const page = parsePageCursor(cursor);
  const { entries, hasNext } = await fetchProductPage(client, page);
  const items = entries.flatMap((entry) =>
    stockItemsOf(entry).map(({ item, parent }) => (parent ? variationCatalogItem(parent, item) : productCatalogItem(item))),
  );
  return { items, nextCursor: hasNext ? String(page + 1) : null };
}

export async function* readAllLevels(client: WooClient): AsyncGenerator<ChannelLevel[]> {
  for (let page = 1; ; page += 1) {
    const { entries, hasNext } = await fetchProductPage(client, page);
    yield entries.flatMap((entry) => stockItemsOf(entry).map(({ item }) => toLevel(item)));
    if (!hasNext) return;
  }
}
