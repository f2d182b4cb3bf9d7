// Stores inbox rows, grouping concurrent requests into one multi-row INSERT … ON CONFLICT DO NOTHING.
// Every caller awaits its own row's fate (inserted or duplicate), so "stored before 200" holds exactly
// as with one INSERT per request, but PostgreSQL parses, plans and commits (fsyncs) once per batch.
// Batching is adaptive, not timed: while maxInFlight statements run, new rows queue up, and when one
// finishes the queue goes out as the next statement. A lone request waits for nobody.
import type pg from 'pg';

export type InboxArrivalStatus = 'received' | 'paused' | 'ignored' | 'rejected';

export type NewInboxRow = {
  id: string;
  connectionId: string;
  source: 'shopify' | 'woocommerce' | 'erp';
  topic: string;
  dedupeKey: string;
  webhookId: string | null;
  resourceId: string | null;
  headers: Record<string, string>;
  /**
   * The raw body, never re-serialised: the received bytes themselves (sent to PostgreSQL as-is, no
   * UTF-8 round trip), or text for rejected bodies that had to be made storable.
   */
  payload: Buffer | string;
  triggeredAt: Date | null;
  receivedAt: Date;
  status: InboxArrivalStatus;
  correlationId: string;
  error: string | null;
};

export type WriteOutcome = { outcome: 'inserted' } | { outcome: 'duplicate' };

export type UnavailableReason = 'timeout' | 'overloaded' | 'database' | 'closed';

export class InboxUnavailableError extends Error {
  readonly code = 'INBOX_UNAVAILABLE';
  constructor(
    readonly reason: UnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(`inbox unavailable: ${reason}`, options);
    this.name = 'InboxUnavailableError';
  }
}

export type InboxWriterOptions = {
  pool: pg.Pool;
  /** A caller gets 503 after this long, whatever the database is doing. */
  timeoutMs: number;
  maxBatchRows?: number;
  maxInFlight?: number;
  /** Rows waiting beyond this are refused at once: backpressure instead of unbounded memory. */
  maxQueuedRows?: number;
  /** Called after commit with the rows that were inserted. */
  onInserted: (rows: NewInboxRow[]) => void;
  onBatch?: (rows: number) => void;
};

type Pending = {
  row: NewInboxRow;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
};

const COLUMNS = [
  'id',
  'connection_id',
  'source',
  'topic',
  'dedupe_key',
  'webhook_id',
  'resource_id',
  'headers',
  'payload',
  'triggered_at',
  'received_at',
  'status',
  'correlation_id',
  'error',
] as const;

/**
 * One statement for n rows: 14 parameters per row, types taken from the target columns.
 * Output: the ids actually inserted. A row whose (connection_id, dedupe_key) exists already, or
 * repeats an earlier row of the same statement, is skipped and reads as a duplicate.
 */
function insertStatement(rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * COLUMNS.length;
    tuples.push(`(${COLUMNS.map((_, c) => `$${base + c + 1}`).join(',')})`);
  }
  return `insert into inbox_events (${COLUMNS.join(',')}) values ${tuples.join(',')}
    on conflict (connection_id, dedupe_key) do nothing returning id`;
}

function parametersOf(rows: NewInboxRow[]): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) {
    values.push(
      row.id,
      row.connectionId,
      row.source,
      row.topic,
      row.dedupeKey,
      row.webhookId,
      row.resourceId,
      JSON.stringify(row.headers),
      row.payload,
      // Timestamps are stored as UTC wall-clock time (timestamp without time zone, as Prisma does);
      // an ISO string keeps the session time zone out of it.
      row.triggeredAt?.toISOString() ?? null,
      row.receivedAt.toISOString(),
      row.status,
      row.correlationId,
      row.error,
    );
  }
  return values;
}

/** Errors about one row's data (SQLSTATE classes 22 and 23), as opposed to the database being unwell. */
const isRowError = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

export function createInboxWriter(options: InboxWriterOptions) {
  const maxBatchRows = options.maxBatchRows ?? 200;
  const maxInFlight = options.maxInFlight ?? 2;
  const maxQueuedRows = options.maxQueuedRows ?? 5_000;
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;
  let closed = false;
  let drained: (() => void) | null = null;

  const insert = async (batch: Pending[]): Promise<Set<string>> => {
    const rows = batch.map((pending) => pending.row);
    const result = await options.pool.query<{ id: string }>({
      text: insertStatement(rows.length),
      values: parametersOf(rows),
      query_timeout: options.timeoutMs,
    } as pg.QueryConfig);
    return new Set(result.rows.map((row) => row.id));
  };

  const settle = (batch: Pending[], inserted: Set<string>) => {
    options.onBatch?.(batch.length);
    const fresh: NewInboxRow[] = [];
    for (const pending of batch) {
      const outcome: WriteOutcome = inserted.has(pending.row.id) ? { outcome: 'inserted' } : { outcome: 'duplicate' };
      if (outcome.outcome === 'inserted') fresh.push(pending.row);
      finish(pending, () => pending.resolve(outcome));
    }
    // Rows inserted after their caller timed out are committed all the same: enqueue them too.
    if (fresh.length > 0) options.onInserted(fresh);
  };

  const finish = (pending: Pending, action: () => void) => {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    action();
  };

  const run = async (batch: Pending[]) => {
    try {
      settle(batch, await insert(batch));
    } catch (error) {
      if (batch.length > 1 && isRowError(error)) {
        // One bad row must not fail its neighbours: write them one by one.
        await Promise.all(batch.map((pending) => run([pending])));
        return;
      }
      for (const pending of batch) finish(pending, () => pending.reject(new InboxUnavailableError('database', { cause: error })));
    }
  };

  const flush = () => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const live = queue.filter((pending) => !pending.settled);
      const batch = live.slice(0, maxBatchRows);
      queue = live.slice(maxBatchRows);
      if (batch.length === 0) break;
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        schedule();
        notifyIfDrained();
      });
    }
    notifyIfDrained();
  };

  const notifyIfDrained = () => {
    if (drained && inFlight === 0 && queue.length === 0) drained();
  };

  const schedule = () => {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    // Rows that arrive in the same turn of the event loop go out together.
    setImmediate(flush);
  };

  return {
    /** Resolves once the row is committed (or found to exist); `timeoutMs` shortens the wait. */
    write(row: NewInboxRow, limits: { timeoutMs?: number } = {}): Promise<WriteOutcome> {
      if (closed) return Promise.reject(new InboxUnavailableError('closed'));
      if (queue.length >= maxQueuedRows) return Promise.reject(new InboxUnavailableError('overloaded'));
      return new Promise<WriteOutcome>((resolve, reject) => {
        const pending: Pending = {
          row,
          settled: false,
          resolve,
          reject,
          timer: setTimeout(
            () => finish(pending, () => reject(new InboxUnavailableError('timeout'))),
            Math.min(limits.timeoutMs ?? options.timeoutMs, options.timeoutMs),
          ),
        };
        queue.push(pending);
        schedule();
      });
    },
    /** Refuses new rows and waits for the queued and running ones. */
    async close(): Promise<void> {
      closed = true;
      if (inFlight === 0 && queue.length === 0) return;
      await new Promise<void>((resolve) => {
        drained = resolve;
        schedule();
      });
    },
  };
}

export type InboxWriter = ReturnType<typeof createInboxWriter>;
