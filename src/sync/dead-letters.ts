// The dead-letter list: jobs that will not run again (permanent error or attempts exhausted), kept
// with everything support needs to understand and replay them. A replay re-enqueues the original
// job under a new job id; if that run dead-letters too, the same row is reopened, so replays count up.
import type { JobsOptions } from 'bullmq';
import type { Prisma, PrismaClient } from '../db/client.js';
import type { DeadLetter as DeadLetterRow } from '../db/generated/client.js';
import type { Logger } from '../observability/logger.js';
import { JOBS, type JobName } from '../queue/catalog.js';

/** What the worker runtime knows about a job that failed for good. */
export type FailedJob = {
  id: string | undefined;
  name: string;
  data: unknown;
  attemptsMade: number;
  queueName: string;
  timestamp?: number;
  processedOn?: number | undefined;
};

export type ReplayQueue = { add(name: JobName, payload: never, options?: JobsOptions): Promise<string> };

export type ReplayOutcome =
  | { outcome: 'replayed'; id: string; jobId: string; replayCount: number }
  | { outcome: 'not_found' | 'discarded' | 'busy' | 'invalid_payload'; id: string; detail?: string };

const REPLAY_JOB_ID = /^replay-([0-9a-f-]{36})-\d+$/;

export function replayJobId(deadLetterId: string, replayCount: number): string {
  return `replay-${deadLetterId}-${replayCount}`;
}

export function createDeadLetters(deps: { prisma: PrismaClient; queues: ReplayQueue; log: Logger; clock?: () => Date }) {
  const { prisma } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function record(job: FailedJob, error: Error): Promise<{ id: string }> {
    const facts = factsOf(job, error);
    if (facts.inboxEventId && !facts.connectionId) {
      const inbox = await prisma.inboxEvent.findUnique({ where: { id: facts.inboxEventId }, select: { connectionId: true } });
      facts.connectionId = inbox?.connectionId ?? null;
    }
    const replayed = job.id?.match(REPLAY_JOB_ID)?.[1];
    const existing = replayed ? await prisma.deadLetter.findUnique({ where: { id: replayed }, select: { id: true } }) : null;
    const row = existing
      ? await prisma.deadLetter.update({ where: { id: existing.id }, data: { ...facts, status: 'open' } })
      : await prisma.deadLetter.create({ data: facts });
    if (job.name === 'event.process' && facts.inboxEventId) await markInboxDead(facts, job.attemptsMade);
    deps.log.error(
      {
        deadLetterId: row.id,
        job: job.name,
        jobId: job.id,
        errorCode: facts.errorCode,
        correlationId: facts.correlationId,
        sku: facts.sku,
      },
      'job dead-lettered',
    );
    return { id: row.id };
  }

  async function markInboxDead(facts: DeadLetterFacts, attempts: number): Promise<void> {
    await prisma.inboxEvent.updateMany({
      where: { id: facts.inboxEventId as string },
      data: { status: 'dead', error: `${facts.errorCode}: ${facts.errorMessage}`.slice(0, 2_000), attempts },
    });
  }

  /** Re-enqueues under a new job id; if the queue refuses, the claim is undone so it can be replayed again. */
  async function enqueueReplay(row: DeadLetterRow, payload: unknown, jobId: string): Promise<void> {
    try {
      if (row.jobName === 'event.process' && row.inboxEventId) {
        await prisma.inboxEvent.updateMany({
          where: { id: row.inboxEventId },
          data: { status: 'enqueued', error: null, enqueuedAt: clock() },
        });
      }
      await deps.queues.add(row.jobName as JobName, payload as never, { jobId });
    } catch (error) {
      await prisma.deadLetter.update({
        where: { id: row.id },
        data: { status: row.status, replayedAt: row.replayedAt, replayCount: row.replayCount },
      });
      throw error;
    }
  }

  async function replay(id: string, actor: string): Promise<ReplayOutcome> {
    const row = await prisma.deadLetter.findUnique({ where: { id } });
    if (!row) return { outcome: 'not_found', id };
    if (row.status === 'discarded') return { outcome: 'discarded', id };
    const schema = JOBS[row.jobName as JobName]?.payload;
    const parsed = schema?.safeParse(row.payload);
    if (!parsed?.success) return { outcome: 'invalid_payload', id, detail: parsed ? parsed.error.message : `unknown job ${row.jobName}` };
    // Claim the replay first: two people pressing "replay" at once enqueue it once.
    const replayCount = row.replayCount + 1;
    const claimed = await prisma.deadLetter.updateMany({
      where: { id, replayCount: row.replayCount },
      data: { status: 'replayed', replayedAt: clock(), replayCount },
    });
    if (claimed.count === 0) return { outcome: 'busy', id };
    const jobId = replayJobId(id, replayCount);
    await enqueueReplay(row, parsed.data, jobId);
    await prisma.auditEntry.create({
      data: {
        actor,
        action: 'dead_letter.replayed',
        entityType: 'dead_letter',
        entityId: id,
        sku: row.sku,
        connectionId: row.connectionId,
        after: { jobName: row.jobName, jobId, replayCount },
        correlationId: row.correlationId,
      },
    });
    return { outcome: 'replayed', id, jobId, replayCount };
  }

  /** Replays the given ids, or every open dead letter when none are given. */
  async function replayMany(selection: { ids?: string[] }, actor: string, limit = 10_000): Promise<ReplayOutcome[]> {
    const ids = selection.ids ?? (await openIds(limit));
    const outcomes: ReplayOutcome[] = [];
    for (const id of ids) outcomes.push(await replay(id, actor));
    return outcomes;
  }

  async function openIds(limit: number): Promise<string[]> {
    const rows = await prisma.deadLetter.findMany({
      where: { status: 'open' },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  async function list(filter: { status?: 'open' | 'replayed' | 'discarded'; limit: number; before?: Date }) {
    return prisma.deadLetter.findMany({
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.before ? { createdAt: { lt: filter.before } } : {}) },
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
    });
  }

  return { record, replay, replayMany, list };
}

export type DeadLetters = ReturnType<typeof createDeadLetters>;

type DeadLetterFacts = Prisma.DeadLetterUncheckedCreateInput & { errorCode: string; errorMessage: string };

/** Everything worth keeping about the failure: the job, its payload, the error and its context. */
function factsOf(job: FailedJob, error: Error): DeadLetterFacts {
  const payload = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const cause = (error.name === 'UnrecoverableError' && error.cause ? error.cause : error) as Error & Record<string, unknown>;
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
  const uuid = (key: string) => (text(key) && /^[0-9a-f-]{36}$/i.test(text(key) as string) ? text(key) : null);
  return {
    jobName: job.name,
    payload: payload as Prisma.InputJsonValue,
    connectionId: uuid('connectionId'),
    sku: text('sku'),
    inboxEventId: uuid('inboxEventId'),
    correlationId: text('correlationId'),
    errorCode: typeof cause.code === 'string' && cause.code !== '' ? cause.code : cause.name || 'UNKNOWN',
    errorMessage: (cause.message || error.message || 'no message').slice(0, 2_000),
    attempts: job.attemptsMade,
    context: {
      jobId: job.id ?? null,
      queue: job.queueName,
      kind: typeof cause.kind === 'string' ? cause.kind : 'unknown',
      httpStatus: typeof cause.status === 'number' ? cause.status : null,
      requestId: typeof cause.requestId === 'string' ? cause.requestId : null,
      retryAfterMs: typeof cause.retryAfterMs === 'number' ? cause.retryAfterMs : null,
      errorContext: toJson(cause.context),
      stack: (cause.stack ?? '').split('\n').slice(0, 8).join('\n'),
      enqueuedAt: job.timestamp ? new Date(job.timestamp).toISOString() : null,
      lastStartedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
    },
  };
}

function toJson(value: unknown): Prisma.InputJsonValue | null {
  if (value === undefined || value === null) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
  } catch {
    return String(value);
  }
}
