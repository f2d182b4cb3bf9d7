// One BullMQ job scheduler per pollable connection (`connection.poll` every POLL_INTERVAL_MS), kept
// in step with the connections table: created for active connections, removed for paused, deleted
// and disconnected ones. Idempotent, so any process may call it at start and after every change.
import type { JobsOptions } from 'bullmq';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { JOBS } from '../queue/catalog.js';

/** The slice of a BullMQ Queue this needs (the `maintenance` queue). */
export type SchedulerQueue = {
  upsertJobScheduler(
    id: string,
    repeat: { every: number },
    template: { name: string; data: { connectionId: string; correlationId: string }; opts?: JobsOptions },
  ): Promise<unknown>;
  getJobSchedulers(start?: number, end?: number, asc?: boolean): Promise<{ key: string }[]>;
  removeJobScheduler(id: string): Promise<boolean>;
};

export type PollScheduleDeps = {
  prisma: PrismaClient;
  queue: SchedulerQueue;
  intervalMs: number;
  /** Job options of `connection.poll` (attempts, backoff) from the catalog. */
  jobOptions: JobsOptions;
  log: Logger;
};

const PREFIX = 'poll-';

export function pollSchedulerId(connectionId: string): string {
  return `${PREFIX}${connectionId}`;
}

export type PollScheduleOutcome = { scheduled: string[]; removed: string[] };

export async function syncPollSchedules(deps: PollScheduleDeps): Promise<PollScheduleOutcome> {
  const connections = await deps.prisma.connection.findMany({
    where: { deletedAt: null, paused: false, status: { not: 'disconnected' } },
    select: { id: true },
  });
  const wanted = new Set(connections.map((connection) => pollSchedulerId(connection.id)));
  for (const connection of connections) {
    await deps.queue.upsertJobScheduler(
      pollSchedulerId(connection.id),
      { every: deps.intervalMs },
      {
        name: 'connection.poll',
        data: { connectionId: connection.id, correlationId: `poll-${connection.id}` },
        opts: deps.jobOptions,
      },
    );
  }
  const existing = await deps.queue.getJobSchedulers(0, -1, true);
  const removed: string[] = [];
  for (const scheduler of existing) {
    if (!scheduler.key.startsWith(PREFIX) || wanted.has(scheduler.key)) continue;
    await deps.queue.removeJobScheduler(scheduler.key);
    removed.push(scheduler.key.slice(PREFIX.length));
  }
  if (removed.length > 0) deps.log.info({ removed }, 'poll schedules removed');
  return { scheduled: connections.map((connection) => connection.id), removed };
}

/** syncPollSchedules bound to a process's maintenance queue and interval. */
export function createPollScheduleSync(deps: {
  prisma: PrismaClient;
  queues: { get(name: 'maintenance'): SchedulerQueue };
  intervalMs: number;
  log: Logger;
}): () => Promise<PollScheduleOutcome> {
  const jobOptions: JobsOptions = { attempts: JOBS['connection.poll'].attempts, backoff: { type: 'stockbridge' } };
  return () =>
    syncPollSchedules({
      prisma: deps.prisma,
      queue: deps.queues.get('maintenance'),
      intervalMs: deps.intervalMs,
      jobOptions,
      log: deps.log,
    });
}

export type ConnectionChange = 'created' | 'updated' | 'paused' | 'resumed' | 'deleted';

/**
 * Runs after the connections service's own `changed` hook: schedules follow every change, and
 * resuming a connection releases at once the pushes held while it was paused (the connection
 * resync queued on resume then verifies the whole catalog at its own pace).
 */
export function createConnectionChangeHandler(deps: {
  syncPollSchedules: () => Promise<unknown>;
  resumeHeldPushes: (connectionId: string, correlationId: string) => Promise<unknown>;
  newCorrelationId: () => string;
}) {
  return async (connectionId: string, change: ConnectionChange): Promise<void> => {
    await deps.syncPollSchedules();
    if (change === 'resumed') await deps.resumeHeldPushes(connectionId, deps.newCorrelationId());
  };
}
