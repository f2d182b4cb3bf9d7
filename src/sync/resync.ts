// The `sku.resync` job: recompute targets for a SKU, a connection or everything, then make every
// store in scope show them. Unlike an ordinary push it does not trust what we last saw: it re-reads
// the stores' levels first, so drift made behind our back (an edit whose webhook was lost) is found
// and corrected, while items already showing their target cost no write.
import type { ConnectorFactory, StoredConnection } from '../connections/connector-factory.js';
import type { ChannelConnector } from '../connectors/contract.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createCallRecorder } from './push-calls.js';
import { chunk } from './push-plan.js';
import { recordSeen, type WrittenLevel } from './push-states.js';
import { channelsInScope, type ResyncScope, skusInScope } from './resync-scope.js';
import { type EnqueueChannelPush, markConnectionPending } from './schedule-push.js';

/** The decision core's recompute: lock the SKU, recompute its targets, schedule pushes that changed. */
export type RecomputeSku = (request: { sku: string; correlationId: string }) => Promise<unknown>;

export type ResyncDeps = {
  prisma: PrismaClient;
  connectors: Pick<ConnectorFactory, 'channel'>;
  recomputeSku: RecomputeSku;
  enqueuePush: EnqueueChannelPush;
  metrics: Pick<Metrics, 'pushLatency'>;
  log: Logger;
  clock?: () => Date;
  chunkSize?: number;
  /** SKUs recomputed at once (each takes its own SKU lock). */
  concurrency?: number;
};

export type ResyncRequest = ResyncScope & { correlationId: string; requestedBy: string };

export type ChannelResync = {
  connectionId: string;
  outcome: 'queued' | 'paused' | 'nothing_to_push';
  marked: number;
  readFailures: number;
};

export type ResyncOutcome = { outcome: 'resynced'; skus: number; busySkus: number; channels: ChannelResync[] };

type ListingItem = { sku: string; externalVariantId: string; externalInventoryItemId: string | null };

type Channel = { row: StoredConnection & { paused: boolean }; connector: ChannelConnector; result: ChannelResync };

export function createResyncRunner(deps: ResyncDeps) {
  const clock = deps.clock ?? (() => new Date());
  const chunkSize = deps.chunkSize ?? 500;
  const record = createCallRecorder({ prisma: deps.prisma, metrics: deps.metrics, log: deps.log });

  async function run(request: ResyncRequest): Promise<ResyncOutcome> {
    const log = deps.log.child({ module: 'resync', correlationId: request.correlationId });
    const channels = await loadChannels(request);
    const totals = { skus: 0, busySkus: 0 };
    let after = '';
    for (;;) {
      const skus = await skusInScope(deps.prisma, request, after, chunkSize);
      if (skus.length === 0) break;
      await forEachLimited(skus, deps.concurrency ?? 4, async (sku) => {
        // A busy lock means another worker is deciding this SKU right now and pushes its result.
        if (isBusy(await deps.recomputeSku({ sku, correlationId: request.correlationId }))) totals.busySkus += 1;
      });
      for (const channel of channels) if (!channel.row.paused) await verifyChannel(channel, skus, request.correlationId, log);
      totals.skus += skus.length;
      after = skus.at(-1) as string;
    }
    for (const channel of channels) await requestPush(channel, request.correlationId);
    const outcome: ResyncOutcome = { outcome: 'resynced', ...totals, channels: channels.map((channel) => channel.result) };
    await deps.prisma.auditEntry.create({
      data: {
        actor: request.requestedBy,
        action: 'resync.completed',
        entityType: 'resync',
        entityId: request.correlationId,
        sku: request.sku ?? null,
        connectionId: request.connectionId ?? null,
        after: { skus: totals.skus, busySkus: totals.busySkus, channels: outcome.channels },
        correlationId: request.correlationId,
      },
    });
    log.info({ ...totals, channels: channels.length }, 'resync finished');
    return outcome;
  }

  async function loadChannels(scope: ResyncScope): Promise<Channel[]> {
    const ids = (await channelsInScope(deps.prisma, scope)).map((channel) => channel.id);
    const rows = await deps.prisma.connection.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    return rows.map((row) => ({
      row,
      connector: deps.connectors.channel(row),
      result: { connectionId: row.id, outcome: row.paused ? 'paused' : 'nothing_to_push', marked: 0, readFailures: 0 },
    }));
  }

  /** Re-reads the chunk's levels on one store, then marks its rows pending (the push skips equal ones). */
  async function verifyChannel(channel: Channel, skus: string[], correlationId: string, log: Logger): Promise<void> {
    const listings = await deps.prisma.listing.findMany({
      where: { connectionId: channel.row.id, sku: { in: skus }, state: 'active' },
      select: { sku: true, externalVariantId: true, externalInventoryItemId: true },
    });
    for (const batch of chunk(listings, channel.connector.maxBatchSize)) await refreshLevels(channel, batch, correlationId, log);
    const marked = await markConnectionPending(
      deps.prisma,
      { connectionId: channel.row.id, skus, fromStatuses: ['pending', 'paused', 'in_sync', 'error', 'unmapped', 'deleted'] },
      correlationId,
      clock(),
    );
    channel.result.marked += marked;
  }

  /** What the store shows now becomes the compare-and-set base of the push that follows. */
  async function refreshLevels(channel: Channel, batch: ListingItem[], correlationId: string, log: Logger): Promise<void> {
    try {
      const items = batch.map(({ externalInventoryItemId, ...item }) => ({
        ...item,
        ...(externalInventoryItemId ? { externalInventoryItemId } : {}),
      }));
      const levels = await record(
        {
          connectionId: channel.row.id,
          channelKind: channel.connector.kind,
          operation: 'readLevels',
          skus: batch.map((item) => item.sku),
          correlationId,
        },
        () => channel.connector.readLevels(items),
      );
      const seen: WrittenLevel[] = levels.flatMap((level) =>
        level.available === null ? [] : [{ sku: level.sku, externalLocationId: level.externalLocationId, quantity: level.available }],
      );
      await recordSeen(deps.prisma, channel.row.id, seen, clock());
    } catch (error) {
      // A store that is down must not stop the others: its rows are still marked, and the push
      // (compare-and-set against what we saw last) sorts them out once it is back.
      channel.result.readFailures += 1;
      log.warn({ err: error, connectionId: channel.row.id }, 'resync could not re-read levels');
    }
  }

  async function requestPush(channel: Channel, correlationId: string): Promise<void> {
    if (channel.row.paused || channel.result.marked === 0) return;
    await deps.enqueuePush(channel.row.id, correlationId);
    channel.result.outcome = 'queued';
  }

  return { run };
}

export type ResyncRunner = ReturnType<typeof createResyncRunner>;

function isBusy(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { outcome?: unknown }).outcome === 'busy';
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
