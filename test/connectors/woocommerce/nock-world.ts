// The contract suite's backend #1: nock interceptors on an https:// store (so the connector uses
// Basic auth), answering from the documented payloads in fixtures/ with the arranged state laid
// over them. It encodes only what WooCommerce's docs and source say (platform-apis.md §4–§5):
// exact comma-separated SKU filter covering variations, X-WP-TotalPages, batch `{ id, error }`
// entries, variations only under their parent, webhooks needing force=true to delete.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import type { CallRecord, FailSpec, SeedProduct, SlowSpec, WooWorld, WorldFactory, WorldOptions } from './world.js';
import { CONSUMER_KEY, CONSUMER_SECRET, connectorFor } from './world.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const PRODUCT = fixture('product');
const VARIATION = fixture('variation');
const ORDER = fixture('order');
const WEBHOOK = fixture('webhook');
const SITE = 'https://shop.example.com';

type Item = {
  id: number;
  parentId: number;
  type: string;
  name: string;
  sku: string;
  manage: boolean | 'parent';
  quantity: number | null;
  modified: Date;
  variationIds: number[];
};
type Reply = [number, unknown, Record<string, string>?];

const gmt = (date: Date) => date.toISOString().slice(0, 19);
const error = (status: number, code: string, message: string): Reply => [status, { code, message, data: { status } }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const nockWorld: WorldFactory = {
  name: 'nock fixtures',
  async create(options: WorldOptions = {}): Promise<WooWorld> {
    const items = new Map<number, Item>();
    const orders: { id: number; status: string; created: Date; modified: Date; line: { item: Item; quantity: number } }[] = [];
    const webhooks = new Map<number, { id: number; name: string; topic: string; delivery_url: string; status: string; secret: string }>();
    const failures: FailSpec[] = [];
    const slow: SlowSpec[] = [];
    const calls: CallRecord[] = [];
    let nextId = 1000;
    const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);

    const renderItem = (item: Item, asVariation: boolean) => ({
      ...(asVariation ? VARIATION : PRODUCT),
      id: item.id,
      name: item.name,
      type: item.type,
      sku: item.sku,
      manage_stock: item.manage,
      stock_quantity: item.quantity,
      parent_id: item.parentId,
      variations: item.variationIds,
      date_modified_gmt: gmt(item.modified),
    });
    const page = <T>(list: T[], query: URLSearchParams): Reply => {
      const perPage = Number(query.get('per_page') ?? 10);
      const number = Number(query.get('page') ?? 1);
      const totalPages = Math.ceil(list.length / perPage);
      return [
        200,
        list.slice((number - 1) * perPage, number * perPage),
        { 'X-WP-Total': String(list.length), 'X-WP-TotalPages': String(totalPages) },
      ];
    };
    const after = (query: URLSearchParams) => (query.get('modified_after') ? new Date(`${query.get('modified_after')}Z`).getTime() : -1);

    function batch(parent: Item | null, body: { update?: { id: number; manage_stock?: boolean; stock_quantity?: number }[] }): Reply {
      const update = body.update ?? [];
      if (update.length > 100)
        return error(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
      if (update.length === 0) return [200, []];
      const entries = update.map((change) => {
        const item = items.get(change.id);
        const invalid = parent ? 'woocommerce_rest_product_variation_invalid_id' : 'woocommerce_rest_product_invalid_id';
        if (!item || (parent ? item.type !== 'variation' : item.type === 'variation'))
          return { id: change.id, error: { code: invalid, message: 'Invalid ID.', data: { status: 400 } } };
        if (parent && item.parentId !== parent.id) {
          return {
            id: change.id,
            error: {
              code: 'woocommerce_rest_cannot_edit',
              message: 'Parent product does not match current variation.',
              data: { status: 400 },
            },
          };
        }
        if (change.manage_stock !== undefined) item.manage = change.manage_stock;
        if (change.stock_quantity !== undefined && item.manage === true) item.quantity = change.stock_quantity;
        item.modified = now();
        return renderItem(item, parent !== null);
      });
      return [200, { update: entries }];
    }

    function route(method: string, endpoint: string, query: URLSearchParams, body: Record<string, unknown>): Reply {
      const idIn = (pattern: RegExp) => pattern.exec(endpoint)?.[1];
      const productId = idIn(/^products\/(\d+)$/);
      const variationsOf = idIn(/^products\/(\d+)\/variations$/);
      const variationBatchOf = idIn(/^products\/(\d+)\/variations\/batch$/);
      const webhookId = idIn(/^webhooks\/(\d+)$/);
      if (method === 'GET' && endpoint === 'products') {
        const skus = query.get('sku') ? new Set(query.get('sku')?.split(',')) : null;
        const list = [...items.values()]
          .filter((item) => (skus ? item.sku !== '' && skus.has(item.sku) : item.type !== 'variation'))
          .filter((item) => item.modified.getTime() > after(query))
          .sort((a, b) => a.id - b.id);
        return page(
          list.map((item) => renderItem(item, false)),
          query,
        );
      }
      if (method === 'GET' && productId) {
        const item = items.get(Number(productId));
        return item ? [200, renderItem(item, false)] : error(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      }
      if (method === 'GET' && variationsOf) {
        const parent = items.get(Number(variationsOf));
        if (!parent) return error(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
        const list = parent.variationIds.flatMap((id) => items.get(id) ?? []).filter((item) => item.modified.getTime() > after(query));
        return page(
          list.map((item) => renderItem(item, true)),
          query,
        );
      }
      if (method === 'POST' && endpoint === 'products/batch') return batch(null, body);
      if (method === 'POST' && variationBatchOf) {
        const parent = items.get(Number(variationBatchOf));
        return parent ? batch(parent, body) : error(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      }
      if (method === 'GET' && endpoint === 'orders') {
        const list = orders.filter((order) => order.modified.getTime() > after(query));
        return page(
          list.map((order) => ({
            ...ORDER,
            id: order.id,
            status: order.status,
            date_created_gmt: gmt(order.created),
            date_modified_gmt: gmt(order.modified),
            line_items: [
              { ...ORDER.line_items[0], product_id: order.line.item.id, sku: order.line.item.sku, quantity: order.line.quantity },
            ],
          })),
          query,
        );
      }
      if (method === 'GET' && endpoint === 'webhooks')
        return page(
          [...webhooks.values()].map(({ secret: _secret, ...webhook }) => ({ ...WEBHOOK, ...webhook })),
          query,
        );
      if (method === 'POST' && endpoint === 'webhooks') {
        const webhook = {
          id: nextId++,
          name: String(body['name']),
          topic: String(body['topic']),
          delivery_url: String(body['delivery_url']),
          status: 'active',
          secret: String(body['secret']),
        };
        webhooks.set(webhook.id, webhook);
        return [201, { ...WEBHOOK, ...webhook }];
      }
      if (webhookId) {
        const webhook = webhooks.get(Number(webhookId));
        if (method === 'DELETE' && query.get('force') !== 'true')
          return error(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
        if (!webhook) return error(method === 'DELETE' ? 404 : 400, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
        if (method === 'DELETE') webhooks.delete(webhook.id);
        if (method === 'PUT')
          Object.assign(webhook, body.status ? { status: body.status } : {}, body.secret ? { secret: body.secret } : {});
        return [200, { ...WEBHOOK, ...webhook }];
      }
      return error(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }

    const expectedAuth = `Basic ${Buffer.from(`${CONSUMER_KEY}:${CONSUMER_SECRET}`).toString('base64')}`;
    for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
      nock(SITE)
        .persist()
        .intercept((path) => path.startsWith('/wp-json/wc/v3/'), method)
        .reply(async (request: Request): Promise<Reply> => {
          const url = new URL(request.url);
          const endpoint = url.pathname.slice('/wp-json/wc/v3/'.length);
          calls.push({ method, endpoint, query: Object.fromEntries(url.searchParams) });
          const failure = failures.findIndex((spec) => spec.method === method && spec.endpoint === endpoint);
          const [spec] = failure >= 0 ? failures.splice(failure, 1) : [];
          if (spec) {
            const [status, body] = error(spec.status, spec.wooCode ?? 'simulated_failure', 'Failure arranged by the test.');
            return [status, body, spec.retryAfterSeconds !== undefined ? { 'Retry-After': String(spec.retryAfterSeconds) } : {}];
          }
          if (request.headers.get('authorization') !== expectedAuth)
            return error(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
          const delayIndex = slow.findIndex((entry) => entry.method === method && entry.endpoint === endpoint);
          const [delay] = delayIndex >= 0 ? slow.splice(delayIndex, 1) : [];
          if (delay && !delay.apply) {
            await sleep(delay.delayMs);
            return error(504, 'gateway_timeout', 'Gateway timeout.');
          }
          const text = await request.text();
          const reply = route(method, endpoint, url.searchParams, text ? JSON.parse(text) : {});
          if (delay) await sleep(delay.delayMs);
          return reply;
        });
    }

    return {
      name: 'nock fixtures',
      connector: connectorFor({ siteUrl: SITE, ...options }),
      callbackUrl: 'https://sync.example.com/webhooks/woocommerce/conn-contract',
      async seed(products: SeedProduct[]) {
        for (const seed of products) {
          const id = seed.id ?? nextId++;
          const product: Item = {
            id,
            parentId: 0,
            type: seed.type ?? (seed.variations ? 'variable' : 'simple'),
            name: seed.name,
            sku: seed.sku ?? '',
            manage: seed.manageStock ?? seed.stockQuantity !== undefined,
            quantity: seed.stockQuantity ?? null,
            modified: seed.modifiedAt ? new Date(seed.modifiedAt) : now(),
            variationIds: [],
          };
          items.set(id, product);
          for (const [position, variation] of (seed.variations ?? []).entries()) {
            const variationId = variation.id ?? nextId++;
            const manage = variation.manageStock ?? variation.stockQuantity !== undefined;
            items.set(variationId, {
              id: variationId,
              parentId: id,
              type: 'variation',
              name: `${seed.name} - ${variation.name ?? `Option ${position + 1}`}`,
              sku: variation.sku ?? '',
              manage,
              quantity: variation.stockQuantity ?? null,
              modified: variation.modifiedAt ? new Date(variation.modifiedAt) : now(),
              variationIds: [],
            });
            product.variationIds.push(variationId);
          }
        }
      },
      stockOf: async (id) => items.get(id)?.quantity ?? null,
      failNext: async (spec) => void failures.push(spec),
      slowNext: async (spec) => void slow.push(spec),
      disableWebhook: async (id) => {
        const webhook = webhooks.get(Number(id));
        if (webhook) webhook.status = 'disabled';
      },
      async placeOrder({ sku, quantity }) {
        const item = [...items.values()].find((candidate) => candidate.sku === sku);
        if (!item) throw new Error(`no item ${sku}`);
        item.quantity = (item.quantity ?? 0) - quantity;
        item.modified = now();
        const parent = items.get(item.parentId);
        if (parent) parent.modified = item.modified;
        const order = { id: nextId++, status: 'processing', created: now(), modified: now(), line: { item, quantity } };
        orders.push(order);
        return order.id;
      },
      calls: async () => calls,
      async close() {
        nock.cleanAll();
      },
    };
  },
};
