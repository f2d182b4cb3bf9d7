// The relay: inbox rows that were committed but never reached the queue (Redis was down, or the API
// died between commit and enqueue) are enqueued here, oldest first, in bulk. It also resumes events
// stored as `paused` once their connection is no longer paused, which covers a resume that another
// API process did not see in time (its connection cache lives for a few seconds).
import type pg from 'pg';
import type { Metrics } from '../observability/metrics.js';
import { type EnqueueItem, type InboxEnqueuer, QueueUnavailableError } from './inbox-enqueuer.js';

// Uses the (status, received_at) index.
const SELECT_UNENQUEUED = `
  -- $1: cutoff (UTC), $2: batch size. Oldest committed rows that no job points to yet.
  select id, correlation_id from inbox_events
  where status = 'received' and received_at < $1::timestamp(3)
  order by received_at limit $2`;

const COUNT_UNENQUEUED = `select count(*)::int as count from inbox_events where status = 'received'`;

const RESUME_PAUSED = `
  -- $1: connection id, $2: batch size. Moves that connection's paused rows back to received.
  update inbox_events set status = 'received'
  where id in (select id from inbox_events where connection_id = $1 and status = 'paused'
               order by received_at limit $2 for update skip locked)
  returning id, correlation_id, received_at`;

const RESUME_UNPAUSED = `
  -- $1: batch size. Paused rows whose connection is live and no longer paused.
  update inbox_events set status = 'received'
  where id in (select e.id from inbox_events e join connections c on c.id = e.connection_id
               where e.status = 'paused' and not c.paused and c.deleted_at is null
               order by e.received_at limit $1 for update of e skip locked)`;

type Row = { id: string; correlation_id: string; received_at?: Date };

const itemsOf = (rows: Row[]): EnqueueItem[] => rows.map((row) => ({ id: row.id, correlationId: row.correlation_id }));

export type InboxRelayOptions = {
  pool: pg.Pool;
  enqueuer: InboxEnqueuer;
  metrics: Metrics;
  /** Rows younger than this are left to the API that stored them (it enqueues right after commit). */
  minAgeMs: number;
  batchSize?: number;
  maxRowsPerPass?: number;
  clock?: () => number;
};

export function createInboxRelay(options: InboxRelayOptions) {
  const batchSize = options.batchSize ?? 500;
  const maxRowsPerPass = options.maxRowsPerPass ?? 50_000;
  const clock = options.clock ?? Date.now;

  const countUnenqueued = async () => {
    const result = await options.pool.query<{ count: number }>(COUNT_UNENQUEUED);
    const count = result.rows[0]?.count ?? 0;
    options.metrics.inboxUnenqueued.set(count);
    return count;
  };

  return {
    /**
     * One pass: enqueues every `received` row older than minAgeMs (up to maxRowsPerPass).
     * Throws QueueUnavailableError while Redis refuses; the rows simply wait for the next pass.
     */
    async relay(overrides: { minAgeMs?: number } = {}): Promise<{ relayed: number; remaining: number }> {
      await options.pool.query(RESUME_UNPAUSED, [batchSize]);
      const cutoff = new Date(clock() - (overrides.minAgeMs ?? options.minAgeMs)).toISOString();
      let relayed = 0;
      let remaining = 0;
      try {
        while (relayed < maxRowsPerPass) {
          const { rows } = await options.pool.query<Row>(SELECT_UNENQUEUED, [cutoff, batchSize]);
          if (rows.length === 0) break;
          await options.enqueuer.enqueueNow(itemsOf(rows));
          relayed += rows.length;
          options.metrics.inboxRelayed.inc(rows.length);
          if (rows.length < batchSize) break;
        }
      } finally {
        // Also after a failure: the gauge shows how much is waiting for Redis.
        remaining = await countUnenqueued().catch(() => -1);
      }
      return { relayed, remaining };
    },

    /**
     * Resume: the connection's paused events become `received` and are enqueued, oldest first. When
     * Redis refuses, they stay `received` and the relay enqueues them; resuming does not fail for it.
     */
    async enqueuePaused(connectionId: string): Promise<{ resumed: number; enqueued: number }> {
      let resumed = 0;
      let enqueued = 0;
      let queueUp = true;
      for (;;) {
        const { rows } = await options.pool.query<Row>(RESUME_PAUSED, [connectionId, batchSize]);
        if (rows.length === 0) break;
        resumed += rows.length;
        rows.sort((a, b) => (a.received_at?.getTime() ?? 0) - (b.received_at?.getTime() ?? 0));
        if (queueUp) {
          try {
            await options.enqueuer.enqueueNow(itemsOf(rows));
            enqueued += rows.length;
          } catch (error) {
            if (!(error instanceof QueueUnavailableError)) throw error;
            queueUp = false;
          }
        }
        if (rows.length < batchSize) break;
      }
      return { resumed, enqueued };
    },
  };
}

export type InboxRelay = ReturnType<typeof createInboxRelay>;
