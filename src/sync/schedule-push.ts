// Coalescing of pushes. The decision core writes a (SKU, channel, location) target and calls
// schedulePush; we mark that sync state `pending` and ask for one delayed `channel.push` job per
// connection. Every change inside the coalescing window lands in the same job, which then pushes
// every pending row of the connection in a few batched calls instead of one call per change.
//
// One job per connection is BullMQ deduplication with `keepLastIfActive`: an add while the job waits
// or is delayed is dropped (its row is already pending, so that job will push it); an add while the
// job RUNS is kept and becomes the next job as soon as the running one finishes, so a change that
// arrives mid-push is never lost and two pushes of one connection never run at once.
import type { JobsOptions } from 'bullmq';
import type { PrismaClient } from '../db/client.js';

export type PushRequest = { connectionId: string; sku: string; externalLocationId: string; correlationId: string };

export type PushScheduleOutcome = { outcome: 'scheduled' } | { outcome: 'no_sync_state' };

export type SchedulePush = (request: PushRequest) => Promise<PushScheduleOutcome>;

/** Asks for a push of every pending row of one connection (resync, resume, leftovers). */
export type EnqueueChannelPush = (connectionId: string, correlationId: string) => Promise<void>;

/** The slice of the queues a producer needs. */
export type PushQueue = {
  add(name: 'channel.push', payload: { connectionId: string; correlationId: string }, options?: JobsOptions): Promise<string>;
};

/** Deduplication id of a connection's push job (BullMQ ids may not contain ":"). */
export function pushDeduplicationId(connectionId: string): string {
  return `push-${connectionId}`;
}

export function createPushEnqueuer(deps: { queues: PushQueue; coalesceMs: number }): EnqueueChannelPush {
  return async (connectionId, correlationId) => {
    await deps.queues.add(
      'channel.push',
      { connectionId, correlationId },
      {
        delay: deps.coalesceMs,
        deduplication: { id: pushDeduplicationId(connectionId), keepLastIfActive: true },
      },
    );
  };
}

export function createSchedulePush(deps: {
  prisma: PrismaClient;
  queues: PushQueue;
  coalesceMs: number;
  clock?: () => Date;
}): SchedulePush {
  const enqueue = createPushEnqueuer(deps);
  const clock = deps.clock ?? (() => new Date());
  return async (request) => {
    const marked = await markPending(deps.prisma, request, clock());
    if (marked === 0) return { outcome: 'no_sync_state' };
    await enqueue(request.connectionId, request.correlationId);
    return { outcome: 'scheduled' };
  };
}

/**
 * Marks one row pending. The first correlation id of a run of changes is kept (and the time it
 * became pending), so the push can be linked to the webhook that started the wait and the latency
 * metric counts from the oldest change still unpushed.
 */
async function markPending(prisma: PrismaClient, request: PushRequest, now: Date): Promise<number> {
  return prisma.$executeRaw`
    UPDATE sync_states SET
      status = 'pending',
      pending_correlation_id = CASE
        WHEN status IN ('pending', 'paused') AND pending_correlation_id IS NOT NULL THEN pending_correlation_id
        ELSE ${request.correlationId} END,
      pending_since = CASE
        WHEN status IN ('pending', 'paused') AND pending_since IS NOT NULL THEN pending_since
        ELSE ${now} END,
      updated_at = ${now}
    WHERE sku = ${request.sku}
      AND connection_id = ${request.connectionId}::uuid
      AND external_location_id = ${request.externalLocationId}`;
}

/** Marks many rows of one connection pending at once (resync, resume); returns how many. */
export async function markConnectionPending(
  prisma: PrismaClient,
  selection: {
    connectionId: string;
    skus?: string[];
    fromStatuses: ('pending' | 'paused' | 'in_sync' | 'error' | 'unmapped' | 'deleted')[];
  },
  correlationId: string,
  now: Date,
): Promise<number> {
  const statuses = selection.fromStatuses;
  const skuFilter = selection.skus ?? null;
  return prisma.$executeRaw`
    UPDATE sync_states SET
      status = 'pending',
      pending_correlation_id = COALESCE(pending_correlation_id, ${correlationId}),
      pending_since = COALESCE(pending_since, ${now}),
      updated_at = ${now}
    WHERE connection_id = ${selection.connectionId}::uuid
      AND status::text = ANY(${statuses})
      AND target IS NOT NULL
      AND (${skuFilter}::text[] IS NULL OR sku = ANY(${skuFilter}::text[]))`;
}
