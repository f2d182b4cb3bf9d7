// Webhook delivery as Shopify does it: POST the REST-shaped JSON (ids as bare numbers, which
// exceed 2^53, serialised losslessly) to every subscription of the topic, signed with
// X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(raw body, app secret), plus the topic, shop, API
// version, webhook id, event id (shared by every subscription's copy of one event) and trigger
// time. Failed deliveries are retried a few times with backoff (Shopify: 8 times over 4 hours).
import { createHmac, randomUUID } from 'node:crypto';
import { stringify } from 'lossless-json';
import type { SimShop } from './state.js';

export type Delivery = {
  webhookId: string;
  eventId: string;
  shop: string;
  topic: string;
  uri: string;
  body: string;
  triggeredAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseStatus: number | null;
};

export type WebhookDispatcher = {
  emit(shop: SimShop, topic: string, payload: Record<string, unknown>): void;
  deliveries(): Delivery[];
  /** Resolves once no delivery is pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export const topicEnum = (topic: string) => topic.toUpperCase().replace(/[/.]/g, '_');

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export function createWebhookDispatcher(options: { retries: number; retryDelayMs: number; timeoutMs?: number }): WebhookDispatcher {
  const log: Delivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  async function attempt(delivery: Delivery, shop: SimShop, apiVersion: string): Promise<void> {
    delivery.attempts += 1;
    try {
      const response = await fetch(delivery.uri, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': delivery.topic,
          'x-shopify-hmac-sha256': signWebhook(delivery.body, shop.webhookSecret),
          'x-shopify-shop-domain': shop.domain,
          'x-shopify-api-version': apiVersion,
          'x-shopify-webhook-id': delivery.webhookId,
          'x-shopify-event-id': delivery.eventId,
          'x-shopify-triggered-at': delivery.triggeredAt,
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      delivery.responseStatus = response.status;
      await response.body?.cancel();
      // Any non-2xx, 3xx included, is a failure for Shopify.
      if (response.status >= 200 && response.status < 300) {
        delivery.status = 'delivered';
        return;
      }
    } catch {
      delivery.responseStatus = null;
    }
    if (closed || delivery.attempts > options.retries) {
      delivery.status = 'failed';
      return;
    }
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        track(attempt(delivery, shop, apiVersion));
      },
      options.retryDelayMs * 2 ** (delivery.attempts - 1),
    );
    timers.add(timer);
  }

  function track(promise: Promise<void>) {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  }

  return {
    emit(shop, topic, payload) {
      if (closed) return;
      const body = stringify(payload) ?? '{}';
      const eventId = randomUUID();
      const triggeredAt = new Date().toISOString();
      for (const subscription of shop.webhooks.values()) {
        if (subscription.topic !== topicEnum(topic)) continue;
        const delivery: Delivery = {
          webhookId: randomUUID(),
          eventId,
          shop: shop.domain,
          topic,
          uri: subscription.uri,
          body,
          triggeredAt,
          status: 'pending',
          attempts: 0,
          responseStatus: null,
        };
        log.push(delivery);
        track(attempt(delivery, shop, subscription.apiVersion));
      }
    },
    deliveries: () => [...log],
    async idle() {
      while (log.some((delivery) => delivery.status === 'pending')) {
        await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, 10))]);
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      for (const delivery of log) if (delivery.status === 'pending') delivery.status = 'failed';
    },
  };
}
