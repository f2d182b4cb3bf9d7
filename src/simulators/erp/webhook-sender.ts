// Sends the contract's signed `stock.changed` webhook the way an ERP would: base64 HMAC-SHA256 of the
// exact body bytes in X-Stockbridge-Signature, a fresh X-Stockbridge-Event-Id per change (repeated on
// retries of that delivery), one delivery at a time, a few retries with backoff on failure.
import { createHmac, randomUUID } from 'node:crypto';
import type { SimStockRow } from './erp-state.js';

export type WebhookTarget = { url: string; secret: string };
export type WebhookDelivery = {
  eventId: string;
  skus: string[];
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  responseStatus: number | null;
  error: string | null;
};

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export function createWebhookSender(
  options: { fetch?: typeof globalThis.fetch; attempts?: number; backoffMs?: number; timeoutMs?: number } = {},
) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deliveries: WebhookDelivery[] = [];
  let target: WebhookTarget | null = null;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  async function deliver(delivery: WebhookDelivery, body: string, to: WebhookTarget): Promise<void> {
    for (let attempt = 1; attempt <= attempts && !closed; attempt += 1) {
      delivery.attempts = attempt;
      try {
        const response = await fetchImpl(to.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-stockbridge-signature': signBody(body, to.secret),
            'x-stockbridge-event-id': delivery.eventId,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer();
        delivery.responseStatus = response.status;
        if (response.ok) {
          delivery.status = 'delivered';
          return;
        }
        delivery.error = `HTTP ${response.status}`;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    }
    delivery.status = 'failed';
  }

  return {
    configure(next: WebhookTarget | null) {
      target = next;
    },
    target: () => (target ? { url: target.url } : null),

    /** Queues one delivery for the rows of one change; nothing is sent when no target is set. */
    send(rows: SimStockRow[]): WebhookDelivery | null {
      const to = target;
      if (!to || closed || rows.length === 0) return null;
      const body = JSON.stringify({ event: 'stock.changed', items: rows });
      const delivery: WebhookDelivery = {
        eventId: randomUUID(),
        skus: rows.map((row) => row.sku),
        attempts: 0,
        status: 'pending',
        responseStatus: null,
        error: null,
      };
      deliveries.push(delivery);
      queue = queue.then(() => deliver(delivery, body, to));
      return delivery;
    },

    deliveries: () => deliveries.map((delivery) => ({ ...delivery })),

    /** Forgets finished deliveries (the log only; queued ones still go out). */
    clearLog() {
      for (let index = deliveries.length - 1; index >= 0; index -= 1) {
        if (deliveries[index]?.status !== 'pending') deliveries.splice(index, 1);
      }
    },

    /** Resolves when every queued delivery has finished (delivered or failed). */
    drain: () => queue,

    async close() {
      closed = true;
      await queue;
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
