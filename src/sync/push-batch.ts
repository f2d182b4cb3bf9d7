// One batched write to a channel and what its per-item results mean for our sync states.
// One bad item never fails the others: each result is applied on its own, and only a thrown call
// error (timeout, throttle) fails the job, leaving every unwritten row pending for the retry.
import { createHash } from 'node:crypto';
import type { ChannelConnector, LevelWriteResult } from '../connectors/contract.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { type PushAuditEntry, recordPushAudit } from './push-audit.js';
import type { CallRecorder } from './push-calls.js';
import type { PlannedWrite, SettledState } from './push-plan.js';
import { type FailedLevel, markListingsDeleted, recordFailures, recordWritten, type StateKey, settleStates } from './push-states.js';

export type PushContext = {
  prisma: PrismaClient;
  connector: ChannelConnector;
  connectionId: string;
  correlationId: string;
  record: CallRecorder;
  log: Logger;
  now: () => Date;
};

/** What one job did, summed over its batches. */
export type PushTally = {
  calls: number;
  written: number;
  skipped: number;
  deleted: number;
  failed: number;
  stale: number;
  /** Rows in sync thanks to this job, with the correlation id that started their wait. */
  inSync: (StateKey & { correlationId: string | null })[];
  /** Items worth another try once the job backs off. */
  retry: (StateKey & { code: string })[];
};

export function emptyTally(): PushTally {
  return { calls: 0, written: 0, skipped: 0, deleted: 0, failed: 0, stale: 0, inSync: [], retry: [] };
}

/**
 * Derived from the job id, so a retried job sends the same key, and from the batch content, so the
 * key is never reused for different quantities (Shopify answers IDEMPOTENCY_KEY_PARAMETER_MISMATCH).
 */
export function idempotencyKeyFor(jobId: string, index: number, batch: PlannedWrite[]): string {
  const content = batch.map((write) => [write.sku, write.externalLocationId, write.quantity, write.expectedCurrent]);
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return `stockbridge-${jobId}-${index}-${digest}`;
}

export type SortedResults = {
  written: { write: PlannedWrite; quantity: number }[];
  stale: PlannedWrite[];
  notFound: PlannedWrite[];
  failed: { write: PlannedWrite; code: string; message: string; retryable: boolean }[];
};

/** Pairs each write with its result by (SKU, location); a write without a result is a retryable failure. */
export function sortResults(batch: PlannedWrite[], results: LevelWriteResult[]): SortedResults {
  const byKey = new Map(results.map((result) => [`${result.sku}@${result.externalLocationId}`, result]));
  const sorted: SortedResults = { written: [], stale: [], notFound: [], failed: [] };
  for (const write of batch) {
    const result = byKey.get(`${write.sku}@${write.externalLocationId}`);
    if (!result) {
      sorted.failed.push({ write, code: 'NO_RESULT', message: 'the channel returned no result for this item', retryable: true });
      continue;
    }
    switch (result.outcome) {
      case 'written':
        sorted.written.push({ write, quantity: result.quantity });
        break;
      case 'stale':
        sorted.stale.push(write);
        break;
      case 'not_found':
        sorted.notFound.push(write);
        break;
      case 'failed':
        sorted.failed.push({ write, ...result.error });
        break;
    }
  }
  return sorted;
}

/** Sends one batch; returns the writes the channel refused as stale (compare-and-set mismatch). */
export async function sendBatch(ctx: PushContext, batch: PlannedWrite[], idempotencyKey: string, tally: PushTally): Promise<SortedResults> {
  const writes = batch.map(({ correlationId: _correlationId, ...write }) => write);
  tally.calls += 1;
  const results = await ctx.record(
    {
      connectionId: ctx.connectionId,
      channelKind: ctx.connector.kind,
      operation: 'writeLevels',
      skus: [...new Set(batch.map((write) => write.sku))],
      correlationId: ctx.correlationId,
    },
    () => ctx.connector.writeLevels(writes, { idempotencyKey }),
  );
  return sortResults(batch, results);
}

/**
 * Applies written, not-found and failed results (stale ones are the caller's: re-read first). State
 * changes, listing deletions and their audit rows commit together, so nobody sees one without the other.
 */
export async function applyResults(ctx: PushContext, sorted: SortedResults, tally: PushTally): Promise<void> {
  const now = ctx.now();
  const failures: FailedLevel[] = [];
  const audit: PushAuditEntry[] = sorted.written.map(({ write, quantity }) =>
    entry(ctx, write, 'sync.pushed', { before: { lastSeen: write.expectedCurrent }, after: { quantity } }),
  );
  collectFailures(ctx, sorted, tally, failures, audit);
  const inSync = await ctx.prisma.$transaction(async (tx) => {
    const written = sorted.written.map(({ write, quantity }) => ({ ...keyOf(write), quantity }));
    const keys = await recordWritten(tx, ctx.connectionId, written, now);
    await recordFailures(tx, ctx.connectionId, failures, now);
    await markListingsDeleted(
      tx,
      ctx.connectionId,
      sorted.notFound.map((write) => write.externalVariantId),
    );
    await recordPushAudit(tx, ctx.connectionId, audit);
    return new Set(keys.map((key) => `${key.sku}@${key.externalLocationId}`));
  });
  tally.written += sorted.written.length;
  for (const { write } of sorted.written) {
    if (inSync.has(`${write.sku}@${write.externalLocationId}`)) tally.inSync.push({ ...keyOf(write), correlationId: write.correlationId });
  }
}

/** Rows decided without a call, settled together with their audit rows. */
export async function applySettled(ctx: PushContext, settled: SettledState[], notePrefix: string, tally: PushTally): Promise<void> {
  if (settled.length === 0) return;
  tally.skipped += settled.length;
  const audit: PushAuditEntry[] = settled.map((row) => ({
    ...row,
    action: row.outcome === 'deleted' ? 'sync.item_deleted' : 'sync.push_skipped',
    note: `${notePrefix}${row.outcome === 'already_at_target' ? 'channel already shows the target' : row.outcome}`,
    correlationId: ctx.correlationId,
  }));
  await ctx.prisma.$transaction(async (tx) => {
    await settleStates(tx, ctx.connectionId, settled, ctx.now());
    await recordPushAudit(tx, ctx.connectionId, audit);
  });
}

function collectFailures(
  ctx: PushContext,
  sorted: SortedResults,
  tally: PushTally,
  failures: FailedLevel[],
  audit: PushAuditEntry[],
): void {
  for (const write of sorted.notFound) {
    tally.deleted += 1;
    failures.push({ ...keyOf(write), status: 'deleted', lastError: 'NOT_FOUND: the item no longer exists on the channel' });
    audit.push(entry(ctx, write, 'sync.item_deleted', { note: `variant ${write.externalVariantId} not found; pushes stop` }));
  }
  for (const failure of sorted.failed) {
    const lastError = `${failure.code}: ${failure.message}`;
    failures.push({ ...keyOf(failure.write), status: failure.retryable ? 'pending' : 'error', lastError });
    if (failure.retryable) tally.retry.push({ ...keyOf(failure.write), code: failure.code });
    else tally.failed += 1;
    audit.push(
      entry(ctx, failure.write, 'sync.push_failed', { after: { code: failure.code, retryable: failure.retryable }, note: lastError }),
    );
  }
}

function keyOf(write: PlannedWrite): StateKey {
  return { sku: write.sku, externalLocationId: write.externalLocationId };
}

function entry(
  ctx: PushContext,
  write: PlannedWrite,
  action: PushAuditEntry['action'],
  extra: Pick<PushAuditEntry, 'before' | 'after' | 'note'>,
): PushAuditEntry {
  return { ...keyOf(write), action, ...extra, correlationId: write.correlationId ?? ctx.correlationId };
}
