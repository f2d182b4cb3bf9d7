// /wp-json/wc/v3/orders (read) and /webhooks (CRUD), after class-wc-rest-webhooks-v1-controller.php:
// create validates topic and delivery URL, answers 201 only after the ping; update answers 400
// "ID is invalid." for an unknown id and pings again when an active webhook is still pending or its
// URL changed; delete needs force=true (501 otherwise).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderOrder, renderWebhook } from './resources.js';
import { modifiedAfter, paginate, RestError, restHandler, sortFor } from './rest-params.js';
import { API, queryOf, requestUrl } from './rest-products.js';
import type { SimContext } from './sim-context.js';
import { ORDER_STATUSES, type SimOrder, type SimWebhook } from './store.js';

const RESOURCES = ['coupon', 'customer', 'order', 'product'];
const EVENTS = ['created', 'updated', 'deleted', 'restored'];
const STATUSES = ['active', 'paused', 'disabled'];

function validTopic(topic: unknown): topic is string {
  if (typeof topic !== 'string') return false;
  const [resource, event] = topic.toLowerCase().split('.');
  return topic === 'product.published' || (RESOURCES.includes(resource ?? '') && EVENTS.includes(event ?? ''));
}

function validUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function registerOrderAndWebhookRoutes(app: FastifyInstance, ctx: SimContext) {
  const { store, dispatcher } = ctx;
  const handle = restHandler;
  const bodyOf = (request: FastifyRequest) =>
    (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  const idOf = (request: FastifyRequest) => Number((request.params as { id: string }).id);

  app.get(
    `${API}/orders`,
    handle((request, reply) => {
      const query = queryOf(request);
      const after = modifiedAfter(query);
      const status = query['status'] ?? 'any';
      if (status !== 'any' && !status.split(',').every((entry) => ORDER_STATUSES.includes(entry)))
        throw new RestError('rest_invalid_param', 'Invalid parameter(s): status', 400);
      const orders = [...store.orders.values()]
        .filter((order) => status === 'any' || status.split(',').includes(order.status))
        .filter((order) => !after || order.modifiedAt.getTime() > after.getTime())
        .sort(sortFor<SimOrder>(query));
      return paginate(orders, query, reply, requestUrl(request)).map((order) => renderOrder(order, store));
    }),
  );

  app.get(
    `${API}/orders/:id`,
    handle((request) => {
      const order = store.orders.get(idOf(request));
      if (!order) throw new RestError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
      return renderOrder(order, store);
    }),
  );

  app.get(
    `${API}/webhooks`,
    handle((request, reply) => {
      const query = queryOf(request);
      const status = query['status'] ?? 'all';
      if (status !== 'all' && !STATUSES.includes(status)) throw new RestError('rest_invalid_param', 'Invalid parameter(s): status', 400);
      const webhooks = [...store.webhooks.values()]
        .filter((webhook) => status === 'all' || webhook.status === status)
        .sort((a, b) => b.id - a.id);
      return paginate(webhooks, query, reply, requestUrl(request)).map((webhook) => renderWebhook(webhook, 'view'));
    }),
  );

  app.get(
    `${API}/webhooks/:id`,
    handle((request) => {
      const webhook = store.webhooks.get(idOf(request));
      if (!webhook) throw new RestError('woocommerce_rest_webhook_invalid_id', 'ID is invalid.', 400);
      return renderWebhook(webhook, 'view');
    }),
  );

  app.post(
    `${API}/webhooks`,
    handle(async (request, reply) => {
      const body = bodyOf(request);
      if (!validTopic(body['topic']))
        throw new RestError('woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.', 400);
      if (!validUrl(body['delivery_url'])) {
        throw new RestError(
          'woocommerce_rest_webhook_invalid_delivery_url',
          'Webhook delivery URL must be a valid URL starting with http:// or https://.',
          400,
        );
      }
      const status =
        typeof body['status'] === 'string' && STATUSES.includes(body['status']) ? (body['status'] as SimWebhook['status']) : 'active';
      const at = store.now();
      const webhook: SimWebhook = {
        id: store.takeId(),
        name: typeof body['name'] === 'string' && body['name'] ? body['name'] : `Webhook created on ${at.toUTCString()}`,
        topic: body['topic'].toLowerCase(),
        deliveryUrl: body['delivery_url'],
        secret: typeof body['secret'] === 'string' && body['secret'] ? body['secret'] : randomBytes(25).toString('hex'),
        status,
        failureCount: 0,
        pendingDelivery: true,
        createdAt: at,
        modifiedAt: at,
      };
      store.webhooks.set(webhook.id, webhook);
      // WooCommerce pings inside the create request, before it answers; the ping's result is ignored.
      await dispatcher.ping(webhook);
      reply.code(201).header('Location', `${requestUrl(request).split('?')[0]}/${webhook.id}`);
      return renderWebhook(webhook, 'edit');
    }),
  );

  app.put(
    `${API}/webhooks/:id`,
    handle(async (request) => {
      const webhook = store.webhooks.get(idOf(request));
      if (!webhook) throw new RestError('woocommerce_rest_webhook_invalid_id', 'ID is invalid.', 400);
      const body = bodyOf(request);
      if (body['topic'] !== undefined && !validTopic(body['topic']))
        throw new RestError('woocommerce_rest_webhook_invalid_topic', 'Webhook topic must be valid.', 400);
      if (body['delivery_url'] !== undefined && !validUrl(body['delivery_url'])) {
        throw new RestError(
          'woocommerce_rest_webhook_invalid_delivery_url',
          'Webhook delivery URL must be a valid URL starting with http:// or https://.',
          400,
        );
      }
      if (body['status'] !== undefined && !(typeof body['status'] === 'string' && STATUSES.includes(body['status']))) {
        throw new RestError('woocommerce_rest_webhook_invalid_status', 'Webhook status must be valid.', 400);
      }
      const urlChanged = typeof body['delivery_url'] === 'string' && body['delivery_url'] !== webhook.deliveryUrl;
      if (typeof body['topic'] === 'string') webhook.topic = body['topic'].toLowerCase();
      if (typeof body['delivery_url'] === 'string') webhook.deliveryUrl = body['delivery_url'];
      if (typeof body['secret'] === 'string' && body['secret']) webhook.secret = body['secret'];
      if (typeof body['name'] === 'string' && body['name']) webhook.name = body['name'];
      // Re-activating keeps failure_count: the REST update does not reset it.
      if (typeof body['status'] === 'string') webhook.status = body['status'] as SimWebhook['status'];
      webhook.modifiedAt = store.now();
      if (urlChanged) webhook.pendingDelivery = true;
      if (webhook.status === 'active' && webhook.pendingDelivery) await dispatcher.ping(webhook);
      return renderWebhook(webhook, 'edit');
    }),
  );

  app.delete(
    `${API}/webhooks/:id`,
    handle((request) => {
      const force = ['true', '1'].includes(queryOf(request)['force'] ?? '');
      if (!force) throw new RestError('woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.', 501);
      const webhook = store.webhooks.get(idOf(request));
      if (!webhook) throw new RestError('woocommerce_rest_webhook_invalid_id', 'Invalid ID.', 404);
      store.webhooks.delete(webhook.id);
      return renderWebhook(webhook, 'edit');
    }),
  );
}
