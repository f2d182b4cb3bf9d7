// Compare-and-set refused: the channel moved since we last looked. Never overwrite blindly: re-read
// the items, record what the channel shows, recompute from the current target and try once more in
// the same job with the fresh value as the base. A second refusal waits for the job's retry.
import type { ChannelLevel } from '../connectors/contract.js';
import { applyResults, applySettled, type PushContext, type PushTally, sendBatch } from './push-batch.js';
import { type ListingRef, levelKey, type PlannedWrite, planPushes } from './push-plan.js';
import { type FailedLevel, loadStates, recordFailures, recordSeen, type WrittenLevel } from './push-states.js';

export async function resolveStale(ctx: PushContext, stale: PlannedWrite[], idempotencyKey: string, tally: PushTally): Promise<void> {
  if (stale.length === 0) return;
  tally.stale += stale.length;
  const levels = await readLevels(ctx, stale, tally);
  const { seen, unread } = matchLevels(stale, levels);
  await recordSeen(ctx.prisma, ctx.connectionId, seen, ctx.now());
  await holdForRetry(ctx, unread, 'STALE_UNREAD: the channel refused the write and a re-read did not show the item', tally);

  const states = await loadStates(ctx.prisma, ctx.connectionId, seen);
  const plan = planPushes({
    states,
    listings: stale.map(listingOf),
    maxBatchSize: ctx.connector.maxBatchSize,
    reference: stale[0]?.reference ?? '',
  });
  await applySettled(ctx, plan.settled, 'after re-read: ', tally);

  for (const [index, batch] of plan.batches.entries()) {
    const sorted = await sendBatch(ctx, batch, `${idempotencyKey}-stale-${index}`, tally);
    await applyResults(ctx, sorted, tally);
    await holdForRetry(ctx, sorted.stale, 'STALE_TWICE: the channel changed again while we re-read it', tally);
  }
}

async function readLevels(ctx: PushContext, stale: PlannedWrite[], tally: PushTally): Promise<ChannelLevel[]> {
  const items = new Map(
    stale.map((write) => [
      write.externalVariantId,
      {
        sku: write.sku,
        externalVariantId: write.externalVariantId,
        ...(write.externalInventoryItemId ? { externalInventoryItemId: write.externalInventoryItemId } : {}),
      },
    ]),
  );
  tally.calls += 1;
  return ctx.record(
    {
      connectionId: ctx.connectionId,
      channelKind: ctx.connector.kind,
      operation: 'readLevels',
      skus: [...new Set(stale.map((write) => write.sku))],
      correlationId: ctx.correlationId,
    },
    () => ctx.connector.readLevels([...items.values()]),
  );
}

/** Pairs each refused write with the level just read for its item and location. */
export function matchLevels(stale: PlannedWrite[], levels: ChannelLevel[]): { seen: WrittenLevel[]; unread: PlannedWrite[] } {
  const byLevel = new Map<string, number>();
  for (const level of levels) {
    if (level.available === null) continue;
    byLevel.set(levelKey(level), level.available);
    byLevel.set(`${level.externalVariantId}@${level.externalLocationId}`, level.available);
  }
  const seen: WrittenLevel[] = [];
  const unread: PlannedWrite[] = [];
  for (const write of stale) {
    const available = byLevel.get(levelKey(write)) ?? byLevel.get(`${write.externalVariantId}@${write.externalLocationId}`);
    if (available === undefined) unread.push(write);
    else seen.push({ sku: write.sku, externalLocationId: write.externalLocationId, quantity: available });
  }
  return { seen, unread };
}

async function holdForRetry(ctx: PushContext, writes: PlannedWrite[], lastError: string, tally: PushTally): Promise<void> {
  if (writes.length === 0) return;
  const code = lastError.slice(0, lastError.indexOf(':'));
  const failures: FailedLevel[] = writes.map((write) => ({
    sku: write.sku,
    externalLocationId: write.externalLocationId,
    status: 'pending',
    lastError,
  }));
  await recordFailures(ctx.prisma, ctx.connectionId, failures, ctx.now());
  for (const write of writes) tally.retry.push({ sku: write.sku, externalLocationId: write.externalLocationId, code });
}

function listingOf(write: PlannedWrite): ListingRef {
  return {
    sku: write.sku,
    externalProductId: write.externalProductId,
    externalVariantId: write.externalVariantId,
    externalInventoryItemId: write.externalInventoryItemId ?? null,
    state: 'active',
    manageStock: true,
  };
}
