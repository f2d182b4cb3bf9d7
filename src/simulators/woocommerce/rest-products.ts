// /wp-json/wc/v3/products, /products/{id}, /products/{id}/variations and both batch endpoints.
// - `sku` is an exact match, comma-separated values allowed, and a SKU query searches products and
//   variations alike (variations come back in product shape, type "variation").
// - Batches hold at most `batchLimit` items across create+update+delete (413
//   woocommerce_rest_request_entity_too_large), answer 200 with `{ id, error }` for failed items,
//   and a variation is updated only through its own parent's endpoint.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { lastValueQuery } from './auth.js';
import { renderProduct, renderVariation, wooError } from './resources.js';
import { modifiedAfter, paginate, type Query, RestError, restHandler, sendRestError, sortFor } from './rest-params.js';
import type { SimContext } from './sim-context.js';
import type { SimItem } from './store.js';

export const API = '/wp-json/wc/v3';

export const queryOf = (request: FastifyRequest): Query => lastValueQuery(request.raw.url ?? '');
export const requestUrl = (request: FastifyRequest) => `http://${request.headers.host ?? 'localhost'}${request.raw.url ?? '/'}`;

function listProducts(ctx: SimContext, query: Query): SimItem[] {
  const skus = query['sku'] ? new Set(query['sku'].split(',').map((sku) => sku.trim())) : null;
  const after = modifiedAfter(query);
  const type = query['type'];
  return [...ctx.store.items.values()]
    .filter((item) => (skus ? item.sku !== '' && skus.has(item.sku) : item.kind === 'product'))
    .filter((item) => !after || item.modifiedAt.getTime() > after.getTime())
    .filter((item) => !type || item.type === type)
    .sort(sortFor<SimItem>(query));
}

type BatchItemResult = Record<string, unknown>;
const itemError = (id: unknown, code: string, message: string, status = 400): BatchItemResult => ({
  id: typeof id === 'number' ? id : Number(id) || 0,
  error: wooError(code, message, status),
});

function updateOne(ctx: SimContext, raw: unknown, parent: SimItem | null): BatchItemResult {
  const changes = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const id = Number(changes['id']);
  const item = Number.isInteger(id) ? ctx.store.items.get(id) : undefined;
  if (parent === null) {
    if (item?.kind !== 'product') {
      // Simulator strictness: a variation must go through its parent's variations endpoint.
      return item
        ? itemError(id, 'woocommerce_rest_cannot_edit', 'Variations are updated through /products/{parent_id}/variations/batch.')
        : itemError(changes['id'], 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    }
  } else {
    if (item?.kind !== 'variation') return itemError(changes['id'], 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
    if (item.parentId !== parent.id)
      return itemError(id, 'woocommerce_rest_cannot_edit', 'Parent product does not match current variation.');
  }
  const failure = ctx.store.updateItem(item, changes);
  if (failure) return itemError(id, failure.error.code, failure.error.message, failure.error.status);
  return parent ? renderVariation(item, ctx.store, ctx.siteUrl()) : renderProduct(item, ctx.store, ctx.siteUrl());
}

function runBatch(ctx: SimContext, request: FastifyRequest, reply: FastifyReply, parent: SimItem | null) {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  const section = (name: string) => (Array.isArray(body[name]) ? (body[name] as unknown[]) : []);
  const total = section('create').length + section('update').length + section('delete').length;
  if (total > ctx.batchLimit) {
    return sendRestError(
      reply,
      new RestError(
        'woocommerce_rest_request_entity_too_large',
        `Unable to accept more than ${ctx.batchLimit} items for this request.`,
        413,
      ),
    );
  }
  const response: Record<string, BatchItemResult[]> = {};
  const unsupported = (entry: unknown) =>
    itemError((entry as { id?: unknown })?.id ?? 0, 'simulator_unsupported', 'The simulator only updates.');
  if (section('create').length > 0) response['create'] = section('create').map(unsupported);
  if (section('update').length > 0) response['update'] = section('update').map((entry) => updateOne(ctx, entry, parent));
  if (section('delete').length > 0) response['delete'] = section('delete').map(unsupported);
  // PHP's empty array: an empty batch answers [].
  return Object.keys(response).length > 0 ? response : [];
}

export function registerProductRoutes(app: FastifyInstance, ctx: SimContext) {
  const withErrors = restHandler;
  const productOr404 = (id: string, kind: 'product' | 'any' = 'any') => {
    const item = ctx.store.items.get(Number(id));
    if (!item || (kind === 'product' && item.kind !== 'product'))
      throw new RestError('woocommerce_rest_product_invalid_id', 'Invalid ID.', 404);
    return item;
  };

  app.get(
    `${API}/products`,
    withErrors((request, reply) => {
      const query = queryOf(request);
      return paginate(listProducts(ctx, query), query, reply, requestUrl(request)).map((item) =>
        renderProduct(item, ctx.store, ctx.siteUrl()),
      );
    }),
  );

  app.get<{ Params: { id: string } }>(
    `${API}/products/:id`,
    withErrors((request) => renderProduct(productOr404((request.params as { id: string }).id), ctx.store, ctx.siteUrl())),
  );

  app.get<{ Params: { id: string } }>(
    `${API}/products/:id/variations`,
    withErrors((request, reply) => {
      const parent = productOr404((request.params as { id: string }).id, 'product');
      const query = queryOf(request);
      const after = modifiedAfter(query);
      const variations = parent.variationIds
        .map((id) => ctx.store.items.get(id))
        .filter((item): item is SimItem => item !== undefined)
        .filter((item) => !after || item.modifiedAt.getTime() > after.getTime())
        .sort(sortFor<SimItem>(query));
      return paginate(variations, query, reply, requestUrl(request)).map((item) => renderVariation(item, ctx.store, ctx.siteUrl()));
    }),
  );

  app.post(
    `${API}/products/batch`,
    withErrors((request, reply) => runBatch(ctx, request, reply, null)),
  );

  app.post<{ Params: { id: string } }>(
    `${API}/products/:id/variations/batch`,
    withErrors((request, reply) => runBatch(ctx, request, reply, productOr404((request.params as { id: string }).id, 'product'))),
  );
}
