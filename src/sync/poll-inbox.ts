// What a poll finds goes through the same door as a webhook: an inbox row (source `poll`), then an
// `event.process` job. The dedupe keys make a change seen twice (two polls, or webhook and poll)
// land once where the platform allows it; movement idempotency keys make any remaining double harmless.
import { createHash, randomUUID } from 'node:crypto';
import type { ChangedSince, ErpStockRow } from '../connectors/contract.js';
import type { PrismaClient } from '../db/client.js';

export type PolledPlatform = 'shopify' | 'woocommerce' | 'erp';

export type PolledEvent = {
  topic: string;
  resourceId: string | null;
  dedupeKey: string;
  payload: string;
  modifiedAt: Date;
};

/** Enqueues `event.process` for a stored inbox row (job id = inbox id, as the webhook path does). */
export type EnqueueEvent = (inboxEventId: string, correlationId: string) => Promise<void>;

/**
 * WooCommerce's webhook key is (topic, id, date_modified_gmt) (connectors/woocommerce/webhooks.ts):
 * the poll builds the same one, so a change both delivered and polled is stored once. Shopify's
 * key is its event id, which a poll cannot know: polls there de-duplicate among themselves.
 */
export function storeChangeEvent(platform: 'shopify' | 'woocommerce', event: ChangedSince['events'][number]): PolledEvent {
  const modifiedGmt = platform === 'woocommerce' ? wooModifiedGmt(event.payload) : undefined;
  const dedupeKey = modifiedGmt
    ? `${event.topic}:${event.resourceId}:${modifiedGmt}`
    : `poll:${event.topic}:${event.resourceId}:${event.modifiedAt.toISOString()}`;
  return { topic: event.topic, resourceId: event.resourceId, dedupeKey, payload: event.payload, modifiedAt: event.modifiedAt };
}

/** ERP rows become `stock.changed` events shaped like the ERP webhook, one per SKU. */
export function stockChangeEvents(rows: ErpStockRow[]): PolledEvent[] {
  const bySku = Map.groupBy(rows, (row) => row.sku);
  return [...bySku].map(([sku, items]) => {
    const body = {
      event: 'stock.changed',
      items: items.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })),
    };
    const payload = JSON.stringify(body);
    // Content-addressed: the same stock state polled again is the same event.
    const digest = createHash('sha256').update(payload).digest('hex').slice(0, 24);
    const modifiedAt = new Date(Math.max(...items.map((row) => row.updatedAt.getTime())));
    return { topic: 'stock.changed', resourceId: sku, dedupeKey: `poll:stock:${sku}:${digest}`, payload, modifiedAt };
  });
}

/** Stores new events and enqueues them; returns how many were new. */
export async function recordPolledEvents(
  deps: { prisma: PrismaClient; enqueueEvent: EnqueueEvent; now: Date },
  connectionId: string,
  platform: PolledPlatform,
  events: PolledEvent[],
): Promise<number> {
  let stored = 0;
  for (const event of events) {
    const id = randomUUID();
    const correlationId = randomUUID();
    const inserted = await deps.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO inbox_events (id, connection_id, source, topic, dedupe_key, resource_id, headers, payload,
                                triggered_at, received_at, status, correlation_id)
      VALUES (${id}::uuid, ${connectionId}::uuid, 'poll', ${event.topic}, ${event.dedupeKey}, ${event.resourceId},
              ${JSON.stringify({ platform })}::jsonb, ${event.payload}, ${event.modifiedAt}, ${deps.now}, 'received', ${correlationId})
      ON CONFLICT (connection_id, dedupe_key) DO NOTHING
      RETURNING id`;
    if (inserted.length === 0) continue;
    stored += 1;
    // A failed enqueue leaves the row `received`: the inbox relay hands it to the queue later.
    await deps.enqueueEvent(id, correlationId);
    await deps.prisma.inboxEvent.updateMany({ where: { id, status: 'received' }, data: { status: 'enqueued', enqueuedAt: deps.now } });
  }
  return stored;
}

function wooModifiedGmt(payload: string): string | undefined {
  try {
    const value = (JSON.parse(payload) as { date_modified_gmt?: unknown }).date_modified_gmt;
    return typeof value === 'string' && value !== '' ? value.slice(0, 40) : undefined;
  } catch {
    return undefined;
  }
}
