// A SKU's whole story for support: what we may sell, what the ERP says, what each store location
// should show and did show, and the recent timeline — inbox events, movements, API calls, audit rows
// and dead letters — each carrying the correlation id that ties one change's steps together.
import type { PrismaClient } from '../db/client.js';
import type {
  AuditEntry,
  ChannelCall,
  Connection,
  DeadLetter,
  InboxEvent,
  Movement,
  StockSnapshot,
  SyncState,
} from '../db/generated/client.js';
import { loadErps, loadSkuInfo, loadSubject } from './sku-state.js';
import { subjectAvailableToSell } from './targets.js';

/** Over every warehouse (a location's own ATS may be lower when it is mapped to fewer warehouses). */
export async function readAvailableToSell(prisma: PrismaClient, sku: string): Promise<number | null> {
  const erps = await loadErps(prisma);
  const subject = await loadSubject(prisma, sku, await loadSkuInfo(prisma, sku), erps);
  return subjectAvailableToSell(subject, 'all');
}

export type TimelineEntry = {
  at: string;
  type: 'inbox_event' | 'movement' | 'channel_call' | 'audit' | 'dead_letter';
  id: string;
  correlationId: string | null;
  connectionId: string | null;
  summary: string;
  detail: Record<string, unknown>;
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function createSkuView(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;

  async function read(sku: string, options: { limit: number }) {
    const [row, erp, channels] = await Promise.all([
      prisma.sku.findUnique({ where: { sku } }),
      prisma.stockSnapshot.findMany({ where: { sku }, orderBy: [{ connectionId: 'asc' }, { warehouse: 'asc' }] }),
      prisma.syncState.findMany({
        where: { sku },
        include: { connection: { select: { name: true, kind: true, paused: true } } },
        orderBy: [{ connectionId: 'asc' }, { externalLocationId: 'asc' }],
      }),
    ]);
    const timeline = await readTimeline(sku, options.limit);
    if (!row && erp.length === 0 && channels.length === 0 && timeline.length === 0) return null;
    return {
      sku,
      name: row?.name ?? '',
      isBundle: row?.isBundle ?? false,
      version: String(row?.version ?? 0n),
      availableToSell: await readAvailableToSell(prisma, sku),
      erp: erp.map(erpView),
      channels: channels.map(channelView),
      timeline,
      correlations: groupByCorrelation(timeline),
    };
  }

  /** The newest `limit` entries of each kind, merged newest first, then cut to `limit`. */
  async function readTimeline(sku: string, limit: number): Promise<TimelineEntry[]> {
    const [movements, audit, calls, deadLetters] = await Promise.all([
      prisma.movement.findMany({ where: { sku }, orderBy: { id: 'desc' }, take: limit }),
      prisma.auditEntry.findMany({ where: { sku }, orderBy: { at: 'desc' }, take: limit }),
      prisma.channelCall.findMany({ where: { skus: { has: sku } }, orderBy: { at: 'desc' }, take: limit }),
      prisma.deadLetter.findMany({ where: { sku }, orderBy: { createdAt: 'desc' }, take: limit }),
    ]);
    const correlationIds = [...new Set([...movements, ...audit].flatMap((entry) => (entry.correlationId ? [entry.correlationId] : [])))];
    const events = await prisma.inboxEvent.findMany({
      where: { OR: [{ correlationId: { in: correlationIds } }, { resourceId: sku }] },
      orderBy: { receivedAt: 'desc' },
      take: limit,
    });
    const eventDeadLetters = await prisma.deadLetter.findMany({
      where: { inboxEventId: { in: events.map((event) => event.id) }, sku: null },
      take: limit,
    });
    const entries: TimelineEntry[] = [
      ...events.map(eventEntry),
      ...movements.map(movementEntry),
      ...calls.map(callEntry),
      ...audit.map(auditEntry),
      ...[...deadLetters, ...eventDeadLetters].map(deadLetterEntry),
    ];
    return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }

  return { read };
}

export type SkuView = NonNullable<Awaited<ReturnType<ReturnType<typeof createSkuView>['read']>>>;

function erpView(snapshot: StockSnapshot) {
  return {
    connectionId: snapshot.connectionId,
    warehouse: snapshot.warehouse,
    onHand: snapshot.onHand,
    reserved: snapshot.reserved,
    incoming: snapshot.incoming,
    available: snapshot.available,
    sourceUpdatedAt: snapshot.sourceUpdatedAt.toISOString(),
  };
}

function channelView(state: SyncState & { connection: Pick<Connection, 'name' | 'kind' | 'paused'> }) {
  return {
    connectionId: state.connectionId,
    connectionName: state.connection.name,
    kind: state.connection.kind,
    paused: state.connection.paused,
    externalLocationId: state.externalLocationId,
    target: state.target,
    lastPushed: state.lastPushed,
    lastPushedAt: iso(state.lastPushedAt),
    lastSeen: state.lastSeen,
    lastSeenAt: iso(state.lastSeenAt),
    status: state.status,
    lastError: state.lastError,
    outOfSyncSince: iso(state.outOfSyncSince),
    updatedAt: state.updatedAt.toISOString(),
  };
}

function eventEntry(event: InboxEvent): TimelineEntry {
  return {
    at: event.receivedAt.toISOString(),
    type: 'inbox_event',
    id: event.id,
    correlationId: event.correlationId,
    connectionId: event.connectionId,
    summary: `${event.source} ${event.topic} ${event.status}`,
    detail: { source: event.source, topic: event.topic, status: event.status, resourceId: event.resourceId, error: event.error },
  };
}

function movementEntry(movement: Movement): TimelineEntry {
  return {
    at: movement.createdAt.toISOString(),
    type: 'movement',
    id: String(movement.id),
    correlationId: movement.correlationId,
    connectionId: movement.connectionId,
    summary: `${movement.kind} ${movement.quantity > 0 ? '+' : ''}${movement.quantity} (${movement.status})`,
    detail: {
      kind: movement.kind,
      quantity: movement.quantity,
      status: movement.status,
      sourceRef: movement.sourceRef,
      idempotencyKey: movement.idempotencyKey,
    },
  };
}

function callEntry(call: ChannelCall): TimelineEntry {
  return {
    at: call.at.toISOString(),
    type: 'channel_call',
    id: String(call.id),
    correlationId: call.correlationId,
    connectionId: call.connectionId,
    summary: `${call.operation} ${call.ok ? 'ok' : `failed ${call.errorCode ?? ''}`.trim()} in ${call.durationMs} ms`,
    detail: {
      operation: call.operation,
      ok: call.ok,
      httpStatus: call.httpStatus,
      errorCode: call.errorCode,
      durationMs: call.durationMs,
      skus: call.skus.length,
    },
  };
}

function auditEntry(entry: AuditEntry): TimelineEntry {
  return {
    at: entry.at.toISOString(),
    type: 'audit',
    id: String(entry.id),
    correlationId: entry.correlationId,
    connectionId: entry.connectionId,
    summary: entry.note ? `${entry.action}: ${entry.note}` : entry.action,
    detail: { actor: entry.actor, action: entry.action, before: entry.before, after: entry.after },
  };
}

function deadLetterEntry(row: DeadLetter): TimelineEntry {
  return {
    at: row.createdAt.toISOString(),
    type: 'dead_letter',
    id: row.id,
    correlationId: row.correlationId,
    connectionId: row.connectionId,
    summary: `${row.jobName} dead-lettered: ${row.errorCode}`,
    detail: {
      jobName: row.jobName,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      status: row.status,
      replayCount: row.replayCount,
    },
  };
}

function groupByCorrelation(timeline: TimelineEntry[]) {
  const groups = new Map<string, { correlationId: string; from: string; to: string; types: Set<string>; entries: number }>();
  for (const entry of timeline) {
    if (!entry.correlationId) continue;
    const group = groups.get(entry.correlationId) ?? {
      correlationId: entry.correlationId,
      from: entry.at,
      to: entry.at,
      types: new Set(),
      entries: 0,
    };
    // ISO strings of one format order as their instants do.
    if (entry.at < group.from) group.from = entry.at;
    if (entry.at > group.to) group.to = entry.at;
    group.types.add(entry.type);
    group.entries += 1;
    groups.set(entry.correlationId, group);
  }
  return [...groups.values()].map((group) => ({ ...group, types: [...group.types] }));
}
