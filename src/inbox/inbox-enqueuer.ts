// Hands committed inbox rows to the queue (`event.process`, job id = inbox id, so adding one twice
// is a no-op while the job exists) and marks them `enqueued`, both in bulk. The webhook path calls
// enqueueSoon() after the row is committed and does not wait: if Redis is down the rows simply stay
// `received`, and the relay enqueues them when it is back. Nothing is lost either way.
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { Queues } from '../queue/queues.js';
import { withDeadline } from './deadline.js';
import { createWarnLimiter } from './warn-limiter.js';

export type EnqueueItem = { id: string; correlationId: string };

export class QueueUnavailableError extends Error {
  readonly code = 'QUEUE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('the job queue (Redis) did not accept the jobs', options);
    this.name = 'QueueUnavailableError';
  }
}

// Guarded by status: a worker that already picked the job up (processing) is not overwritten.
// `status::text` keeps the planner on the primary key: offered the (status, received_at) index it
// may AND both, and that index holds every dead 'received' entry until vacuum, which made this
// statement cost more than the insert under load.
const MARK_ENQUEUED = `
  -- $1: inbox ids, $2: now (UTC). Marks rows whose job is in the queue.
  update inbox_events set status = 'enqueued', enqueued_at = $2::timestamp(3)
  where id = any($1::uuid[]) and status::text = 'received'`;

export type InboxEnqueuerOptions = {
  queues: Queues;
  pool: pg.Pool;
  log: Logger;
  /** How long one bulk add may take before the rows are left to the relay. */
  timeoutMs: number;
  maxBatch?: number;
  /** Background items beyond this are left to the relay instead of piling up in memory. */
  maxPending?: number;
  /** After a failure, background enqueueing pauses this long (Redis is probably down). */
  cooldownMs?: number;
  clock?: () => number;
};

export function createInboxEnqueuer(options: InboxEnqueuerOptions) {
  const maxBatch = options.maxBatch ?? 1_000;
  const maxPending = options.maxPending ?? 50_000;
  const cooldownMs = options.cooldownMs ?? 1_000;
  const clock = options.clock ?? Date.now;
  const limiter = createWarnLimiter({ windowMs: 10_000 });
  let pending: EnqueueItem[] = [];
  let running: Promise<void> | null = null;
  let pausedUntil = 0;

  const enqueueBatch = async (items: EnqueueItem[]) => {
    try {
      await withDeadline(
        options.queues.addBulk(
          'event.process',
          items.map((item) => ({ payload: { inboxEventId: item.id, correlationId: item.correlationId }, options: { jobId: item.id } })),
        ),
        options.timeoutMs,
        () => new Error(`queue add timed out after ${options.timeoutMs} ms`),
      );
    } catch (error) {
      throw new QueueUnavailableError({ cause: error });
    }
    await options.pool.query(MARK_ENQUEUED, [items.map((item) => item.id), new Date(clock()).toISOString()]);
  };

  const enqueueNow = async (items: EnqueueItem[]): Promise<void> => {
    for (let start = 0; start < items.length; start += maxBatch) await enqueueBatch(items.slice(start, start + maxBatch));
  };

  const drain = async () => {
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(maxBatch);
      try {
        await enqueueBatch(batch);
      } catch (error) {
        pausedUntil = clock() + cooldownMs;
        const dropped = batch.length + pending.length;
        pending = [];
        const { log, suppressed } = limiter.allow('enqueue');
        if (log) {
          options.log.warn(
            { err: (error as Error).cause ?? error, rows: dropped, suppressed },
            'enqueue after commit failed: rows stay received for the relay',
          );
        }
      }
    }
  };

  const start = () => {
    if (running || pending.length === 0) return;
    // Rows committed in the same turn of the event loop go out in one bulk add.
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(drain).finally(() => {
      running = null;
      start();
    });
  };

  return {
    /** Best effort, after commit, batched; the caller does not wait. */
    enqueueSoon(items: EnqueueItem[]): void {
      if (clock() < pausedUntil || pending.length + items.length > maxPending) return;
      pending.push(...items);
      start();
    },
    /** Enqueues and marks, in batches; throws QueueUnavailableError when Redis refuses. */
    enqueueNow,
    async close(): Promise<void> {
      await running;
    },
  };
}

export type InboxEnqueuer = ReturnType<typeof createInboxEnqueuer>;
