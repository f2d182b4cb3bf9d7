// Every job the system runs: name → queue, payload schema, attempts and backoff. Producers and
// workers both go through this table, so a payload is validated on the way in and on the way out.
import { z } from 'zod';

export const QUEUE_NAMES = ['events', 'pushes', 'maintenance', 'reconciliations'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const correlated = { correlationId: z.string().min(1) };

export const JOBS = {
  /** Turn one stored inbox event into movements and targets. Job id = inbox id. */
  'event.process': {
    queue: 'events',
    payload: z.object({ inboxEventId: z.uuid(), ...correlated }),
    attempts: 8,
  },
  /** Post one ledger movement to the ERP (post-movements policy). Job id = "movement-post-<id>". */
  'movement.post': {
    queue: 'events',
    payload: z.object({ movementId: z.string().regex(/^\d+$/), ...correlated }),
    attempts: 10,
  },
  /** Push coalesced targets for one channel. */
  'channel.push': {
    queue: 'pushes',
    payload: z.object({ connectionId: z.uuid(), ...correlated }),
    attempts: 10,
  },
  /** Recompute targets for a SKU (or every SKU of a connection, or all) and push where needed. */
  'sku.resync': {
    queue: 'events',
    payload: z.object({ sku: z.string().min(1).optional(), connectionId: z.uuid().optional(), requestedBy: z.string(), ...correlated }),
    attempts: 5,
  },
  /** Enqueue inbox rows that were committed while Redis was unavailable. */
  'inbox.relay': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 1,
  },
  /** Safety net: read orders/products changed since the last poll of one store or ERP. */
  'connection.poll': {
    queue: 'maintenance',
    payload: z.object({ connectionId: z.uuid(), ...correlated }),
    attempts: 3,
  },
  /** Import a connection's catalog (channel listings or the ERP's items and stock). */
  'connection.import-catalog': {
    queue: 'maintenance',
    payload: z.object({ connectionId: z.uuid(), ...correlated }),
    attempts: 5,
  },
  /** Flag SKUs out of sync past the SLA. */
  'sync.stale-check': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 1,
  },
  'reconciliation.run': {
    queue: 'reconciliations',
    payload: z.object({ runId: z.uuid(), ...correlated }),
    attempts: 3,
  },
  /** Fired by the RECONCILE_CRON job scheduler: creates a full run and enqueues it. */
  'reconciliation.schedule': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 3,
  },
  /** Ends runs whose worker died or whose job was lost as failed, with the reason. */
  'reconciliation.watchdog': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 1,
  },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType; attempts: number }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

/** Full-jitter exponential backoff, capped: the delay used when the platform named no wait. */
export const BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 } as const;

export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}
