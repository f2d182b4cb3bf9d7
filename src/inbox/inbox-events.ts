// Reading and replaying stored events, for support staff: a paged list (newest first, without the
// payload), one event with its payload, and replay, which puts one event back on the queue.
import type { PrismaClient } from '../db/client.js';
import type { InboxStatus } from '../db/generated/enums.js';
import type { Queues } from '../queue/queues.js';
import { withDeadline } from './deadline.js';
import { type InboxEnqueuer, QueueUnavailableError } from './inbox-enqueuer.js';

export type EventListQuery = { connectionId?: string; status?: InboxStatus; topic?: string; limit: number; cursor?: EventCursor };
export type EventCursor = { receivedAt: Date; id: string };

export type ReplayOutcome =
  | { outcome: 'replayed'; status: 'enqueued' | 'received' }
  | { outcome: 'not_found' }
  | { outcome: 'not_replayable'; status: InboxStatus }
  | { outcome: 'busy' }
  | { outcome: 'unavailable' };

const SUMMARY = {
  id: true,
  connectionId: true,
  source: true,
  topic: true,
  dedupeKey: true,
  webhookId: true,
  resourceId: true,
  headers: true,
  status: true,
  attempts: true,
  error: true,
  correlationId: true,
  triggeredAt: true,
  receivedAt: true,
  enqueuedAt: true,
  processedAt: true,
} as const;

/** Opaque to clients: base64url of the last row's (receivedAt, id). */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): EventCursor | null {
  try {
    const [receivedAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    const date = typeof receivedAt === 'string' ? new Date(receivedAt) : null;
    const uuid = typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
    return date && !Number.isNaN(date.getTime()) && uuid ? { receivedAt: date, id: uuid } : null;
  } catch {
    return null;
  }
}

export function createInboxEvents(deps: { prisma: PrismaClient; queues: Queues; enqueuer: InboxEnqueuer; queueTimeoutMs: number }) {
  const { prisma } = deps;

  /** Drops a finished job BullMQ still keeps under this id: adding it again would otherwise be a no-op. */
  const clearFinishedJob = async (id: string): Promise<'clear' | 'busy'> => {
    const job = await deps.queues.get('events').getJob(id);
    if (!job) return 'clear';
    const state = await job.getState();
    if (state === 'active') return 'busy';
    if (state === 'completed' || state === 'failed') await job.remove();
    return 'clear';
  };

  return {
    async list(query: EventListQuery) {
      const { cursor } = query;
      const rows = await prisma.inboxEvent.findMany({
        where: {
          connectionId: query.connectionId,
          status: query.status,
          topic: query.topic,
          ...(cursor && { OR: [{ receivedAt: { lt: cursor.receivedAt } }, { receivedAt: cursor.receivedAt, id: { lt: cursor.id } }] }),
        },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
        select: SUMMARY,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { events: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
    },

    async get(id: string) {
      return prisma.inboxEvent.findUnique({ where: { id }, select: { ...SUMMARY, payload: true } });
    },

    /** Puts one event back on the queue, with an audit row saying who asked. */
    async replay(id: string, actor: string): Promise<ReplayOutcome> {
      const event = await prisma.inboxEvent.findUnique({
        where: { id },
        select: { status: true, connectionId: true, correlationId: true },
      });
      if (!event) return { outcome: 'not_found' };
      // Rejected payloads are unusable and ignored topics mean nothing to the engine.
      if (event.status === 'rejected' || event.status === 'ignored') return { outcome: 'not_replayable', status: event.status };
      if (event.status === 'processing') return { outcome: 'busy' };
      try {
        const job = await withDeadline(clearFinishedJob(id), deps.queueTimeoutMs, () => new Error('queue timed out'));
        if (job === 'busy') return { outcome: 'busy' };
      } catch {
        return { outcome: 'unavailable' };
      }
      await prisma.$transaction([
        prisma.inboxEvent.update({ where: { id }, data: { status: 'received' } }),
        prisma.auditEntry.create({
          data: {
            actor,
            action: 'event.replay',
            entityType: 'inbox_event',
            entityId: id,
            connectionId: event.connectionId,
            before: { status: event.status },
            after: { status: 'enqueued' },
            correlationId: event.correlationId,
          },
        }),
      ]);
      try {
        await deps.enqueuer.enqueueNow([{ id, correlationId: event.correlationId }]);
        return { outcome: 'replayed', status: 'enqueued' };
      } catch (error) {
        // Redis went away in between: the row is `received`, so the relay enqueues it.
        if (error instanceof QueueUnavailableError) return { outcome: 'replayed', status: 'received' };
        throw error;
      }
    },
  };
}

export type InboxEvents = ReturnType<typeof createInboxEvents>;
