// Webhook deliveries as WC_Webhook does them (class-wc-webhook.php, platform-apis.md §5):
// - the ping on creation: POST body `webhook_id=N`, no X-WC-* headers, no signature; only HTTP 200
//   exactly clears "pending delivery"; its result never counts as a failure;
// - deliveries are queued and their payload is built at send time from current state, and an
//   identical pending delivery suppresses a new one, so quick changes yield one delivery;
// - signature = base64(HMAC-SHA256(secret, exact body)); success = HTTP 200–302; no retries;
//   consecutive failures count up, and a failure seen with failure_count > 5 (the 7th in a row)
//   sets the webhook to "disabled"; a success resets the count.
import { createHash, createHmac } from 'node:crypto';
import { renderOrder, renderProduct } from './resources.js';
import type { ChangeTopic, SimWebhook, WooStore } from './store.js';

export type DeliveryRecord = {
  webhookId: number;
  topic: string;
  resourceId: number | null;
  kind: 'ping' | 'delivery';
  status: number | null;
  ok: boolean;
  error?: string;
  at: string;
};

const MAX_FAILURES = 5;
const USER_AGENT = 'WooCommerce/9.9.0 Hookshot (WordPress/6.8.1)';

/**
 * PHP's json_encode with default flags, as wp_json_encode sends it: "/" escaped as "\/" and every
 * non-ASCII character as a \uXXXX escape. Receivers must verify the signature over these exact
 * bytes; re-serialising the parsed JSON would not reproduce them.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export function createWebhookDispatcher(options: { store: WooStore; siteUrl: () => string; timeoutMs: number; delayMs: number }) {
  const { store } = options;
  const log: DeliveryRecord[] = [];
  const pending = new Set<string>();
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];

  const record = (entry: Omit<DeliveryRecord, 'at'>) => log.push({ ...entry, at: store.now().toISOString() });
  const settle = () => {
    if (pending.size === 0 && inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number | null; error?: string }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'user-agent': USER_AGENT, ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  function payloadFor(topic: string, resourceId: number): unknown | null {
    const [resource, event] = topic.split('.');
    if (event === 'deleted') return { id: resourceId };
    if (resource === 'order') {
      const order = store.orders.get(resourceId);
      return order ? renderOrder(order, store) : null;
    }
    const item = store.items.get(resourceId);
    return item ? renderProduct(item, store, options.siteUrl()) : null;
  }

  async function deliver(webhook: SimWebhook, resourceId: number) {
    if (webhook.status !== 'active') return;
    const payload = payloadFor(webhook.topic, resourceId);
    if (payload === null) return;
    const body = phpJsonEncode(payload);
    const [resource = '', event = ''] = webhook.topic.split('.');
    // wp_hash(id . time()): two deliveries of one webhook in the same second share it, so it is no event id.
    const deliveryId = createHash('md5')
      .update(`${webhook.id}${Math.floor(store.now().getTime() / 1000)}`)
      .digest('hex');
    const result = await post(webhook.deliveryUrl, body, {
      'content-type': 'application/json',
      'x-wc-webhook-source': `${options.siteUrl()}/`,
      'x-wc-webhook-topic': webhook.topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signBody(body, webhook.secret),
      'x-wc-webhook-id': String(webhook.id),
      'x-wc-webhook-delivery-id': deliveryId,
    });
    const ok = result.status !== null && result.status >= 200 && result.status < 303;
    if (ok) webhook.failureCount = 0;
    else if (webhook.failureCount > MAX_FAILURES) webhook.status = 'disabled';
    else webhook.failureCount += 1;
    record({
      webhookId: webhook.id,
      topic: webhook.topic,
      resourceId,
      kind: 'delivery',
      status: result.status,
      ok,
      ...(result.error ? { error: result.error } : {}),
    });
  }

  return {
    log,

    /** Sends the ping and waits for it, as the REST create call does before it answers. */
    async ping(webhook: SimWebhook): Promise<void> {
      inFlight += 1;
      try {
        const result = await post(webhook.deliveryUrl, `webhook_id=${webhook.id}`, { 'content-type': 'application/x-www-form-urlencoded' });
        if (result.status === 200) webhook.pendingDelivery = false;
        record({
          webhookId: webhook.id,
          topic: webhook.topic,
          resourceId: null,
          kind: 'ping',
          status: result.status,
          ok: result.status === 200,
          ...(result.error ? { error: result.error } : {}),
        });
      } finally {
        inFlight -= 1;
        settle();
      }
    },

    /** Queues one delivery per active webhook on `topic` for the resource, unless one is pending. */
    notify(topic: ChangeTopic, resourceId: number) {
      for (const webhook of store.webhooks.values()) {
        if (webhook.topic !== topic || webhook.status !== 'active') continue;
        const key = `${webhook.id}:${resourceId}`;
        if (pending.has(key)) continue;
        pending.add(key);
        setTimeout(() => {
          pending.delete(key);
          inFlight += 1;
          deliver(webhook, resourceId)
            .catch((error: unknown) =>
              record({ webhookId: webhook.id, topic, resourceId, kind: 'delivery', status: null, ok: false, error: String(error) }),
            )
            .finally(() => {
              inFlight -= 1;
              settle();
            });
        }, options.delayMs);
      }
    },

    /** Resolves once nothing is queued or being sent. */
    idle(): Promise<void> {
      if (pending.size === 0 && inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
