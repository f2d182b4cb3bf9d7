// What the API offers about reconciliation runs: start one (on demand or from the schedule), list
// them, and show one with its progress and, once done, its first page of discrepancies.
import type pg from 'pg';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { type DiscrepancyClass, type DiscrepancyRow, discrepancySource } from '../reports/discrepancy-report.js';
import type { PageQuery } from '../reports/filters.js';
import { fetchPage, type Paged } from '../reports/keyset.js';
import { createRunStore, type RunRecord, type RunScope, type SourceProgress } from './run-store.js';

/** The slice of the queues a producer needs. */
export type RunQueue = {
  add(name: 'reconciliation.run', payload: { runId: string; correlationId: string }, options?: { jobId?: string }): Promise<string>;
};

export type StartRunOutcome =
  | { outcome: 'started'; id: string }
  | { outcome: 'unknown_connection'; connectionId: string }
  | { outcome: 'queue_unavailable'; id: string; reason: string };

export type RunView = Omit<RunRecord, 'progress'> & {
  phase: string;
  /** Per source: what was read and compared so far (ERP cursors are internal and left out). */
  sources: (Omit<SourceProgress, 'cursor'> & { id: string })[];
  resumedCount: number;
  heartbeatAgeSeconds: number | null;
  durationSeconds: number | null;
  discrepancies?: Paged<DiscrepancyRow>;
};

export function createReconciliations(deps: { prisma: PrismaClient; pool: pg.Pool; queues: RunQueue; log: Logger; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  const store = createRunStore({ prisma: deps.prisma, clock });

  async function start(input: { scope: RunScope; heal: boolean; requestedBy: string; correlationId: string }): Promise<StartRunOutcome> {
    if (input.scope.connectionId) {
      const connection = await deps.prisma.connection.findFirst({ where: { id: input.scope.connectionId, deletedAt: null } });
      if (!connection) return { outcome: 'unknown_connection', connectionId: input.scope.connectionId };
    }
    const run = await store.create(input);
    await deps.prisma.auditEntry.create({
      data: {
        actor: input.requestedBy,
        action: 'reconciliation.requested',
        entityType: 'reconciliation_run',
        entityId: run.id,
        sku: input.scope.sku ?? null,
        connectionId: input.scope.connectionId ?? null,
        after: { scope: input.scope, heal: input.heal },
        correlationId: input.correlationId,
      },
    });
    try {
      // Job id = run id: a second add of the same run is a no-op, and the watchdog finds the job.
      await deps.queues.add('reconciliation.run', { runId: run.id, correlationId: input.correlationId }, { jobId: run.id });
    } catch (error) {
      const reason = `could not enqueue the run: ${(error as Error).message}`;
      deps.log.error({ err: error, runId: run.id }, 'reconciliation not enqueued');
      await store.fail(run.id, reason);
      return { outcome: 'queue_unavailable', id: run.id, reason };
    }
    deps.log.info({ runId: run.id, scope: input.scope, heal: input.heal, requestedBy: input.requestedBy }, 'reconciliation requested');
    return { outcome: 'started', id: run.id };
  }

  function toView(run: RunRecord): RunView {
    const { progress, ...rest } = run;
    const now = clock().getTime();
    const end = run.finishedAt?.getTime() ?? (run.status === 'running' ? now : null);
    return {
      ...rest,
      phase: progress.phase,
      sources: Object.entries(progress.sources).map(([id, { cursor: _cursor, ...source }]) => ({ id, ...source })),
      resumedCount: progress.resumedCount ?? 0,
      heartbeatAgeSeconds: run.heartbeatAt && run.status === 'running' ? Math.max(0, (now - run.heartbeatAt.getTime()) / 1000) : null,
      durationSeconds: run.startedAt && end !== null ? Math.max(0, (end - run.startedAt.getTime()) / 1000) : null,
    };
  }

  return {
    start,

    async view(id: string, page: PageQuery): Promise<RunView | null> {
      const run = await store.get(id);
      if (!run) return null;
      const view = toView(run);
      if (run.status !== 'completed') return view;
      return { ...view, discrepancies: await fetchPage(discrepancySource(deps.pool, { runId: id, filter: {} }), page) };
    },

    async discrepancies(id: string, query: { page: PageQuery; classification?: DiscrepancyClass; sku?: string; connectionId?: string }) {
      const run = await store.get(id);
      if (!run) return null;
      const source = discrepancySource(deps.pool, {
        runId: id,
        filter: { sku: query.sku, connectionId: query.connectionId },
        classification: query.classification,
      });
      return fetchPage(source, query.page);
    },

    /** Discrepancy rows of one run for the CSV export (null when the run does not exist). */
    async discrepancyExport(id: string) {
      const run = await store.get(id);
      return run ? discrepancySource(deps.pool, { runId: id, filter: {} }) : null;
    },

    async list(query: { status?: RunRecord['status']; limit: number; cursor?: { createdAt: Date; id: string } }) {
      const runs = await store.list({ status: query.status, limit: query.limit + 1, before: query.cursor });
      const items = runs.slice(0, query.limit).map(toView);
      const last = items.at(-1);
      return { items, next: runs.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },
  };
}

export type Reconciliations = ReturnType<typeof createReconciliations>;
