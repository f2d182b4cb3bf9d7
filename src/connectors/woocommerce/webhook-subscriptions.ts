// Webhook subscriptions through the REST API (/webhooks). Facts that shape this (platform-apis.md §5):
// - creating a webhook makes WooCommerce ping the delivery URL at once (form body `webhook_id=N`,
//   unsigned); our receiver must answer exactly 200 or the webhook stays "pending delivery";
// - WooCommerce never retries a failed delivery and sets status "disabled" at the 7th failure in a
//   row, so the engine polls listWebhooks() and re-enables ours with reactivateWebhook();
// - DELETE needs force=true (webhooks have no trash: 501 otherwise).
import type { Logger } from 'pino';
import type { WebhookRegistration } from '../contract.js';
import { ConnectorError } from '../errors.js';
import { hasNextPage, PAGE_SIZE } from './catalog.js';
import { toConnectorError } from './classify-error.js';
import { parseBody, type WooClient } from './client.js';
import { type WooWebhook, WooWebhookList, WooWebhook as WooWebhookSchema } from './map.js';

/** The topics the sync engine acts on (a subset of src/inbox/topics.ts WOOCOMMERCE_TOPICS). */
export const WOO_WEBHOOK_TOPICS = ['order.created', 'order.updated', 'product.updated', 'product.deleted'] as const;

export type WooWebhookInfo = {
  id: string;
  name: string;
  topic: string;
  deliveryUrl: string;
  /** "disabled": WooCommerce switched it off after repeated failed deliveries. */
  status: 'active' | 'paused' | 'disabled' | (string & {});
};

type Deps = { client: WooClient; log: Logger; connectionId: string; webhookSecret: string };

function toInfo(webhook: WooWebhook): WooWebhookInfo {
  return {
    id: String(webhook.id),
    name: webhook.name ?? '',
    topic: webhook.topic,
    deliveryUrl: webhook.delivery_url,
    status: webhook.status,
  };
}

export async function listWebhooks(deps: Pick<Deps, 'client'>): Promise<WooWebhookInfo[]> {
  const webhooks: WooWebhookInfo[] = [];
  for (let page = 1; ; page += 1) {
    const response = await deps.client.request({
      method: 'get',
      endpoint: 'webhooks',
      params: { per_page: PAGE_SIZE, page, status: 'all' },
    });
    const batch = parseBody(WooWebhookList, response, { method: 'get', endpoint: 'webhooks' });
    webhooks.push(...batch.map(toInfo));
    if (!hasNextPage(page, response.totalPages, batch.length)) return webhooks;
  }
}

/** Sets a webhook active again. WooCommerce keeps its failure count, so one more failed delivery disables it again. */
export async function reactivateWebhook(deps: Pick<Deps, 'client' | 'log'>, id: string): Promise<WooWebhookInfo> {
  const endpoint = `webhooks/${id}`;
  const response = await deps.client.request({ method: 'put', endpoint, body: { status: 'active' } });
  const webhook = toInfo(parseBody(WooWebhookSchema, response, { method: 'put', endpoint }));
  deps.log.info({ webhookId: id, topic: webhook.topic }, 'woocommerce webhook re-enabled');
  return webhook;
}

async function deleteWebhook(deps: Pick<Deps, 'client' | 'log'>, id: string): Promise<void> {
  try {
    await deps.client.request({ method: 'delete', endpoint: `webhooks/${id}`, params: { force: true } });
  } catch (error) {
    // Already gone (deleted in the admin, or by an earlier attempt): the goal is reached.
    if (error instanceof ConnectorError && error.status === 404) {
      deps.log.info({ webhookId: id, code: error.code }, 'woocommerce webhook already removed');
      return;
    }
    throw error;
  }
}

export async function unregisterWebhooks(deps: Pick<Deps, 'client' | 'log'>, registrations: WebhookRegistration[]): Promise<void> {
  let firstError: ConnectorError | null = null;
  for (const registration of registrations) {
    try {
      await deleteWebhook(deps, registration.id);
    } catch (error) {
      firstError ??= toConnectorError(error, { method: 'delete', endpoint: `webhooks/${registration.id}` });
    }
  }
  if (firstError) throw firstError;
}

/**
 * Subscribes `callbackUrl` to every topic. An existing webhook of ours (same topic and URL) is
 * reused and set active with the current secret, so registering twice creates no duplicates.
 * If a step fails, the webhooks created by this call are deleted again before the error is thrown.
 */
export async function registerWebhooks(deps: Deps, callbackUrl: string): Promise<WebhookRegistration[]> {
  const existing = await listWebhooks(deps);
  const created: WebhookRegistration[] = [];
  const registrations: WebhookRegistration[] = [];
  try {
    for (const topic of WOO_WEBHOOK_TOPICS) {
      const match = existing.find((webhook) => webhook.topic === topic && webhook.deliveryUrl === callbackUrl);
      const endpoint = match ? `webhooks/${match.id}` : 'webhooks';
      const body = match
        ? { status: 'active', secret: deps.webhookSecret }
        : {
            name: `stockbridge ${deps.connectionId} ${topic}`,
            topic,
            delivery_url: callbackUrl,
            secret: deps.webhookSecret,
            status: 'active',
          };
      const response = await deps.client.request({ method: match ? 'put' : 'post', endpoint, body });
      const webhook = parseBody(WooWebhookSchema, response, { method: match ? 'put' : 'post', endpoint });
      const registration = { id: String(webhook.id), topic, address: webhook.delivery_url };
      if (!match) created.push(registration);
      registrations.push(registration);
    }
  } catch (error) {
    await unregisterWebhooks(deps, created).catch((undoError: unknown) =>
      deps.log.warn(
        { err: toConnectorError(undoError, { method: 'delete', endpoint: 'webhooks' }).toJSON() },
        'could not undo webhook creation',
      ),
    );
    throw toConnectorError(error, { method: 'post', endpoint: 'webhooks' });
  }
  deps.log.info({ created: created.length, reused: registrations.length - created.length }, 'woocommerce webhooks registered');
  return registrations;
}
