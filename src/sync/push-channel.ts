// The `channel.push` job: every pending (SKU, location) of one channel, planned into batches the
// connector accepts and written with compare-and-set. Held while the connection is paused.
// Rows changed while this job ran stay pending and get the next job (see schedule-push.ts).
import type { ConnectorFactory } from '../connections/connector-factory.js';
import { PermanentError, RetryableError } from '../connectors/errors.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { observeSyncLatency } from './push-audit.js';
import { applyResults, applySettled, emptyTally, idempotencyKeyFor, type PushContext, type PushTally, sendBatch } from './push-batch.js';
import { createCallRecorder } from './push-calls.js';
import { holdPushes } from './push-hold.js';
import { type PushPlan, planPushes } from './push-plan.js';
import { resolveStale } from './push-stale.js';
import { countPending, loadListings, loadPendingStates, recordFailures } from './push-states.js';
import type { EnqueueChannelPush } from './schedule-push.js';

export type ChannelPusherDeps = {
  prisma: PrismaClient;
  connectors: Pick<ConnectorFactory, 'channel'>;
  enqueuePush: EnqueueChannelPush;
  metrics: Pick<Metrics, 'pushLatency' | 'syncLatency'>;
  log: Logger;
  clock?: () => Date;
  /** Rows one job takes on; the rest get the next job, so a full resync never makes one endless job. */
  maxRowsPerJob?: number;
};

export type PushJob = { connectionId: string; correlationId: string; jobId: string };

export type PushOutcome =
  | ({ outcome: 'pushed'; remaining: number } & Omit<PushTally, 'inSync' | 'retry'>)
  | { outcome: 'held'; held: number }
  | { outcome: 'nothing_pending' }
  | { outcome: 'connection_gone' };

export function createChannelPusher(deps: ChannelPusherDeps) {
  const clock = deps.clock ?? (() => new Date());
  const record = createCallRecorder({ prisma: deps.prisma, metrics: deps.metrics, log: deps.log });

  async function push(job: PushJob): Promise<PushOutcome> {
    const log = deps.log.child({ module: 'push', connectionId: job.connectionId, jobId: job.jobId, correlationId: job.correlationId });
    const connection = await deps.prisma.connection.findUnique({ where: { id: job.connectionId } });
    if (!connection || connection.deletedAt) return { outcome: 'connection_gone' };
    if (connection.kind === 'erp') throw new PermanentError('channel.push for an ERP connection', { code: 'PUSH_NOT_A_CHANNEL' });
    if (connection.paused) {
      const held = await holdPushes(deps.prisma, job.connectionId, clock());
      if (held > 0) log.info({ held }, 'pushes held: connection paused');
      return { outcome: 'held', held };
    }
    const states = await loadPendingStates(deps.prisma, job.connectionId, deps.maxRowsPerJob ?? 5_000);
    if (states.length === 0) return { outcome: 'nothing_pending' };
    const connector = deps.connectors.channel(connection);
    const ctx: PushContext = {
      prisma: deps.prisma,
      connector,
      connectionId: job.connectionId,
      correlationId: job.correlationId,
      record,
      log,
      now: clock,
    };
    const listings = await loadListings(deps.prisma, job.connectionId, [...new Set(states.map((state) => state.sku))]);
    const plan = planPushes({ states, listings, maxBatchSize: connector.maxBatchSize, reference: `stockbridge-push-${job.jobId}` });
    const tally = emptyTally();
    try {
      await runPlan(ctx, plan, job.jobId, tally);
    } finally {
      await observeLatency(ctx, tally);
    }
    requireNoRetries(tally);
    const remaining = await countPending(deps.prisma, job.connectionId);
    if (remaining > 0) await deps.enqueuePush(job.connectionId, job.correlationId);
    const { inSync: _inSync, retry: _retry, ...counts } = tally;
    log.info({ ...counts, remaining }, 'push finished');
    return { outcome: 'pushed', remaining, ...counts };
  }

  async function runPlan(ctx: PushContext, plan: PushPlan, jobId: string, tally: PushTally): Promise<void> {
    await applySettled(ctx, plan.settled, '', tally);
    for (const [index, batch] of plan.batches.entries()) {
      const key = idempotencyKeyFor(jobId, index, batch);
      const sorted = await sendBatch(ctx, batch, key, tally).catch(async (error: unknown) => {
        // The whole call failed (throttled, down, auth): the rows stay pending for the retry or a
        // replay, and say why meanwhile.
        await recordFailures(
          ctx.prisma,
          ctx.connectionId,
          batch.map((write) => ({ ...stateKey(write), status: 'pending', lastError: describe(error) })),
          ctx.now(),
        );
        throw error;
      });
      await applyResults(ctx, sorted, tally);
      await resolveStale(ctx, sorted.stale, key, tally);
    }
  }

  /** Webhook-to-channel latency for every row this job brought in sync, even if a later batch failed. */
  async function observeLatency(ctx: PushContext, tally: PushTally): Promise<void> {
    await observeSyncLatency({
      prisma: ctx.prisma,
      metrics: deps.metrics,
      channelKind: ctx.connector.kind,
      correlationIds: tally.inSync.flatMap((row) => (row.correlationId ? [row.correlationId] : [])),
      now: clock(),
    });
  }

  return { push };
}

export type ChannelPusher = ReturnType<typeof createChannelPusher>;

/** Items that asked for another try fail the job, so the runtime retries it with backoff. */
function requireNoRetries(tally: PushTally): void {
  if (tally.retry.length === 0) return;
  throw new RetryableError(`${tally.retry.length} item(s) need another try`, {
    code: 'PUSH_ITEMS_RETRY',
    context: { items: tally.retry.slice(0, 20), total: tally.retry.length },
  });
}

function stateKey(write: { sku: string; externalLocationId: string }) {
  return { sku: write.sku, externalLocationId: write.externalLocationId };
}

function describe(error: unknown): string {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'PUSH_FAILED';
  return `${code}: ${error instanceof Error ? error.message : String(error)}`;
}
