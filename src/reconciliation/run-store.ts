// The reconciliation_runs row is the run's durable state: status, scope, progress per source, the
// lease of the worker executing it and its heartbeat. Every write by a worker names its lease
// token, so a worker that lost the run (stalled, handed to another worker, or failed by the
// watchdog) learns it at its next write and stops.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../db/client.js';

export const RunScope = z.object({ connectionId: z.uuid().optional(), sku: z.string().trim().min(1).max(255).optional() });
export type RunScope = z.infer<typeof RunScope>;

export type SourcePhase = 'pending' | 'reading' | 'read' | 'comparing' | 'compared' | 'healing' | 'done';

/** One source's progress: an ERP or a channel connection. */
export type SourceProgress = {
  kind: 'erp' | 'shopify' | 'woocommerce';
  name: string;
  phase: SourcePhase;
  /** Rows (ERP stock rows / channel levels) read so far. */
  read: number;
  /** (SKU, location) pairs compared so far, of `total` (known once reading is done). */
  compared: number;
  total: number | null;
  /** Levels the channel reported without stock tracking (not compared). */
  untracked?: number;
  /** Heal pushes requested. */
  healRequested?: number;
  /** When this source's read began (ISO): what it showed is known as of then. */
  readStartedAt?: string;
  /** When it had been read completely (ISO). */
  readFinishedAt?: string;
  /** Why part of the source was not compared, e.g. no location mapped. */
  note?: string;
  /** ERP paging cursor after the last staged page: a resumed run continues from here. */
  cursor?: string | null;
};

export type RunPhase = 'queued' | 'reading' | 'comparing' | 'healing' | 'totals' | 'done';
export type RunProgress = {
  phase: RunPhase;
  sources: Record<string, SourceProgress>;
  /** How often a worker picked the run up again after another stopped. */
  resumedCount?: number;
  /** The last attempt's error, while a retry is pending. */
  lastError?: string;
};

export const EMPTY_PROGRESS: RunProgress = { phase: 'queued', sources: {} };

export type RunRecord = {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  scope: RunScope;
  heal: boolean;
  requestedBy: string;
  progress: RunProgress;
  totals: Prisma.JsonValue;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
};

export type ClaimOutcome = { claimed: true; run: RunRecord } | { claimed: false; reason: 'missing' | 'finished' };

type RunRow = Awaited<ReturnType<PrismaClient['reconciliationRun']['findUniqueOrThrow']>>;

function toRecord(row: RunRow): RunRecord {
  const progress = (row.progress ?? {}) as Partial<RunProgress>;
  return {
    id: row.id,
    status: row.status,
    scope: RunScope.catch({}).parse(row.scope),
    heal: row.heal,
    requestedBy: row.requestedBy,
    progress: {
      phase: progress.phase ?? 'queued',
      sources: progress.sources ?? {},
      resumedCount: progress.resumedCount ?? 0,
      ...(progress.lastError ? { lastError: progress.lastError } : {}),
    },
    totals: row.totals,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    heartbeatAt: row.heartbeatAt,
  };
}

export function createRunStore(deps: { prisma: PrismaClient; clock?: () => Date }) {
  const { prisma } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    async create(input: { scope: RunScope; heal: boolean; requestedBy: string }): Promise<RunRecord> {
      const row = await prisma.reconciliationRun.create({
        data: { id: randomUUID(), scope: input.scope, heal: input.heal, requestedBy: input.requestedBy, progress: EMPTY_PROGRESS },
      });
      return toRecord(row);
    },

    async get(id: string): Promise<RunRecord | null> {
      const row = await prisma.reconciliationRun.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },

    /** Takes the run for this worker: a resumed run keeps its progress and gets a new lease. */
    async claim(id: string, token: string): Promise<ClaimOutcome> {
      const existing = await prisma.reconciliationRun.findUnique({ where: { id } });
      if (!existing) return { claimed: false, reason: 'missing' };
      if (existing.status === 'completed' || existing.status === 'failed') return { claimed: false, reason: 'finished' };
      const now = clock();
      const resumed = existing.status === 'running';
      const progress = toRecord(existing).progress;
      if (resumed) progress.resumedCount = (progress.resumedCount ?? 0) + 1;
      const updated = await prisma.reconciliationRun.updateMany({
        where: { id, status: { in: ['queued', 'running'] } },
        data: { status: 'running', workerToken: token, heartbeatAt: now, startedAt: existing.startedAt ?? now, progress },
      });
      if (updated.count === 0) return { claimed: false, reason: 'finished' };
      return { claimed: true, run: toRecord(await prisma.reconciliationRun.findUniqueOrThrow({ where: { id } })) };
    },

    /** Heartbeat and progress in one write; false when this worker no longer holds the run. */
    async beat(id: string, token: string, progress?: RunProgress): Promise<boolean> {
      const updated = await prisma.reconciliationRun.updateMany({
        where: { id, workerToken: token, status: 'running' },
        data: { heartbeatAt: clock(), ...(progress ? { progress } : {}) },
      });
      return updated.count === 1;
    },

    async complete(id: string, token: string, input: { progress: RunProgress; totals: Prisma.InputJsonValue }): Promise<boolean> {
      const updated = await prisma.reconciliationRun.updateMany({
        where: { id, workerToken: token, status: 'running' },
        data: {
          status: 'completed',
          finishedAt: clock(),
          heartbeatAt: clock(),
          progress: input.progress,
          totals: input.totals,
          workerToken: null,
        },
      });
      return updated.count === 1;
    },

    /** Ends a queued or running run as failed (a token limits it to that worker's lease). */
    async fail(id: string, reason: string, token?: string): Promise<boolean> {
      const updated = await prisma.reconciliationRun.updateMany({
        where: { id, status: { in: ['queued', 'running'] }, ...(token ? { workerToken: token } : {}) },
        data: { status: 'failed', error: reason.slice(0, 2_000), finishedAt: clock(), workerToken: null },
      });
      return updated.count === 1;
    },

    /** Queued or running runs whose heartbeat (or creation, if never started) is older than `before`. */
    async listSilentSince(before: Date): Promise<RunRecord[]> {
      const rows = await prisma.reconciliationRun.findMany({
        where: {
          OR: [
            { status: 'running', OR: [{ heartbeatAt: { lt: before } }, { heartbeatAt: null }] },
            { status: 'queued', createdAt: { lt: before } },
          ],
        },
        orderBy: { createdAt: 'asc' },
        take: 100,
      });
      return rows.map(toRecord);
    },

    async list(query: { status?: RunRecord['status']; limit: number; before?: { createdAt: Date; id: string } }): Promise<RunRecord[]> {
      const rows = await prisma.reconciliationRun.findMany({
        where: {
          ...(query.status ? { status: query.status } : {}),
          ...(query.before
            ? { OR: [{ createdAt: { lt: query.before.createdAt } }, { createdAt: query.before.createdAt, id: { lt: query.before.id } }] }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: query.limit,
      });
      return rows.map(toRecord);
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
