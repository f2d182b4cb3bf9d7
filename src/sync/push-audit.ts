// What a push decided, per SKU and location, in the audit trail; and the webhook-to-channel latency
// for every row the push brought in sync, measured from the inbox event that started the wait.
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Metrics } from '../observability/metrics.js';

export type PushAuditAction = 'sync.pushed' | 'sync.push_skipped' | 'sync.push_failed' | 'sync.item_deleted' | 'sync.push_held';

export type PushAuditEntry = {
  sku: string;
  externalLocationId: string;
  action: PushAuditAction;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  note?: string;
  correlationId: string;
};

export function syncStateEntityId(sku: string, connectionId: string, externalLocationId: string): string {
  return `${sku}/${connectionId}/${externalLocationId}`;
}

export async function recordPushAudit(prisma: Prisma.TransactionClient, connectionId: string, entries: PushAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await prisma.auditEntry.createMany({
    data: entries.map((entry) => ({
      actor: 'worker',
      action: entry.action,
      entityType: 'sync_state',
      entityId: syncStateEntityId(entry.sku, connectionId, entry.externalLocationId),
      sku: entry.sku,
      connectionId,
      ...(entry.before === undefined ? {} : { before: entry.before }),
      ...(entry.after === undefined ? {} : { after: entry.after }),
      note: entry.note ?? null,
      correlationId: entry.correlationId,
    })),
  });
}

/** Observes receivedAt → now for each correlation id that belongs to an inbox event. */
export async function observeSyncLatency(options: {
  prisma: PrismaClient;
  metrics: Pick<Metrics, 'syncLatency'>;
  channelKind: string;
  correlationIds: string[];
  now: Date;
}): Promise<number> {
  const ids = [...new Set(options.correlationIds)];
  if (ids.length === 0) return 0;
  const events = await options.prisma.inboxEvent.findMany({
    where: { correlationId: { in: ids } },
    select: { correlationId: true, receivedAt: true },
  });
  // One observation per correlation id: duplicates of one delivery share it.
  const earliest = new Map<string, Date>();
  for (const event of events) {
    const known = earliest.get(event.correlationId);
    if (!known || event.receivedAt < known) earliest.set(event.correlationId, event.receivedAt);
  }
  for (const receivedAt of earliest.values()) {
    const seconds = Math.max(0, options.now.getTime() - receivedAt.getTime()) / 1000;
    options.metrics.syncLatency.observe({ channel_kind: options.channelKind }, seconds);
  }
  return earliest.size;
}
