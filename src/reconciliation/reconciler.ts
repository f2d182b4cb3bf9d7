// Executes one reconciliation run: claim it, read every source into staging (paged), compare each
// channel in one streamed SQL pass, heal if asked, total up, clean staging. Progress and the
// heartbeat are written while it works; a run cut off by a dead worker resumes from the phases it
// had finished when its job is handed to the next worker.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ConnectorFactory } from '../connections/connector-factory.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { classifyError, decideRetry } from '../sync/retry-policy.js';
import { type CompareDeps, compareChannel } from './compare-channel.js';
import { type HealDeps, healRun } from './heal-run.js';
import { readChannelSource, readErpSource } from './read-sources.js';
import { LeaseLostError, type RunLease, startRunLease } from './run-lease.js';
import { loadRunSources, type RunSource } from './run-sources.js';
import { createRunStore, type RunProgress, type RunRecord, type SourceProgress } from './run-store.js';
import { clearRunStage } from './staging.js';
import { computeRunTotals } from './totals.js';

export type ReconcilerDeps = {
  prisma: PrismaClient;
  pool: pg.Pool;
  connectors: ConnectorFactory;
  heal: Omit<HealDeps, 'prisma' | 'pool' | 'log'>;
  log: Logger;
  clock?: () => Date;
  heartbeatMs?: number;
  compare?: Pick<CompareDeps, 'pageSize'>;
};

export type RunAttempt = { token?: string; attempt: number; maxAttempts: number; correlationId: string };

export type ReconcileOutcome =
  | { outcome: 'completed'; runId: string; discrepancies: number }
  | { outcome: 'not_runnable'; runId: string; reason: 'missing' | 'finished' }
  | { outcome: 'lease_lost'; runId: string };

type RunContext = { run: RunRecord; progress: RunProgress; lease: RunLease; sources: RunSource[]; log: Logger; attempt: RunAttempt };

export function createReconciler(deps: ReconcilerDeps) {
  const clock = deps.clock ?? (() => new Date());
  const store = createRunStore({ prisma: deps.prisma, clock });

  async function run(runId: string, attempt: RunAttempt): Promise<ReconcileOutcome> {
    const token = attempt.token ?? randomUUID();
    const claim = await store.claim(runId, token);
    if (!claim.claimed) return { outcome: 'not_runnable', runId, reason: claim.reason };
    const log = deps.log.child({ module: 'reconciliation', runId, correlationId: attempt.correlationId });
    const progress = claim.run.progress;
    const lease = startRunLease({ store, runId, token, intervalMs: deps.heartbeatMs ?? 2_000, progress: () => progress, log });
    try {
      const sources = await loadRunSources(deps.prisma, claim.run.scope);
      const ctx: RunContext = { run: claim.run, progress, lease, sources, log, attempt };
      log.info({ sources: sources.length, resumed: (progress.resumedCount ?? 0) > 0, phase: progress.phase }, 'reconciliation started');
      await execute(ctx);
      const totals = await computeRunTotals(deps.pool, runId, progress);
      progress.phase = 'done';
      if (!(await store.complete(runId, token, { progress, totals }))) return { outcome: 'lease_lost', runId };
      await clearRunStage(deps.pool, runId);
      log.info({ totals }, 'reconciliation completed');
      return { outcome: 'completed', runId, discrepancies: totals.discrepancies };
    } catch (error) {
      if (error instanceof LeaseLostError || lease.signal.aborted) return { outcome: 'lease_lost', runId };
      await recordFailure({ runId, token, progress, attempt, error, log });
      throw error;
    } finally {
      lease.stop();
    }
  }

  async function execute(ctx: RunContext): Promise<void> {
    const { progress, sources } = ctx;
    for (const source of sources) progress.sources[source.id] ??= emptySource(source);
    progress.phase = 'reading';
    await ctx.lease.flush();
    await readAll(ctx);
    progress.phase = 'comparing';
    for (const source of sources) {
      const sourceProgress = progress.sources[source.id] as SourceProgress;
      if (source.kind === 'erp' || (sourceProgress.phase !== 'read' && sourceProgress.phase !== 'comparing')) continue;
      await compareChannel(
        { pool: deps.pool, lease: ctx.lease, log: ctx.log, clock, ...(deps.compare ?? {}) },
        { runId: ctx.run.id, channel: source, progress: sourceProgress, ...(ctx.run.scope.sku ? { sku: ctx.run.scope.sku } : {}) },
      );
    }
    if (ctx.run.heal) await healAll(ctx);
    progress.phase = 'totals';
    await ctx.lease.flush();
  }

  /**
   * Every source is read at once (each is another company's system, so they wait in parallel);
   * the first failure stops the others at their next page, and nothing is left running.
   */
  async function readAll(ctx: RunContext): Promise<void> {
    const stop = new AbortController();
    const lease: RunLease = {
      ...ctx.lease,
      check() {
        ctx.lease.check();
        if (stop.signal.aborted) throw new Error('stopped: another source failed');
      },
    };
    const readCtx = {
      pool: deps.pool,
      prisma: deps.prisma,
      runId: ctx.run.id,
      lease,
      ...(ctx.run.scope.sku ? { sku: ctx.run.scope.sku } : {}),
    };
    const pending = ctx.sources.filter((source) => ['pending', 'reading'].includes(ctx.progress.sources[source.id]?.phase ?? 'pending'));
    const results = await Promise.allSettled(
      pending.map(async (source) => {
        const progress = ctx.progress.sources[source.id] as SourceProgress;
        try {
          if (source.kind === 'erp') await readErpSource(readCtx, deps.connectors.erp(source.connection), source.id, progress);
          else await readChannelSource(readCtx, deps.connectors.channel(source.connection), source.id, progress);
        } catch (error) {
          stop.abort();
          throw error;
        }
      }),
    );
    const failure = results.find((result) => result.status === 'rejected' && !(stop.signal.aborted && isStopNotice(result.reason)));
    if (failure?.status === 'rejected') throw failure.reason;
  }

  async function healAll(ctx: RunContext): Promise<void> {
    ctx.progress.phase = 'healing';
    const channels = ctx.sources.filter((source) => source.kind === 'channel');
    for (const source of channels) (ctx.progress.sources[source.id] as SourceProgress).phase = 'healing';
    await ctx.lease.flush();
    // A resumed heal skips rows already healed; its counts continue from the earlier attempt's.
    const before = new Map(channels.map((source) => [source.id, ctx.progress.sources[source.id]?.healRequested ?? 0]));
    const paused = await deps.prisma.connection.findMany({
      where: { id: { in: channels.map((c) => c.id) }, paused: true },
      select: { id: true },
    });
    await healRun(
      { ...deps.heal, prisma: deps.prisma, pool: deps.pool, log: ctx.log, clock },
      {
        runId: ctx.run.id,
        channels: channels.map((source) => {
          const readStartedAt = ctx.progress.sources[source.id]?.readStartedAt;
          return {
            connectionId: source.id,
            paused: paused.some((row) => row.id === source.id),
            readAt: readStartedAt ? new Date(readStartedAt) : clock(),
          };
        }),
        requestedBy: ctx.run.requestedBy,
        correlationId: ctx.attempt.correlationId,
        check: ctx.lease.check,
        onProgress: async (requested) => {
          for (const [id, count] of requested) (ctx.progress.sources[id] as SourceProgress).healRequested = (before.get(id) ?? 0) + count;
        },
      },
    );
    for (const source of channels) (ctx.progress.sources[source.id] as SourceProgress).phase = 'done';
  }

  async function recordFailure(input: {
    runId: string;
    token: string;
    progress: RunProgress;
    attempt: RunAttempt;
    error: unknown;
    log: Logger;
  }) {
    const message = input.error instanceof Error ? input.error.message : String(input.error);
    const code = classifyError(input.error).code;
    const decision = decideRetry(input.error, input.attempt.attempt, { maxAttempts: input.attempt.maxAttempts });
    if (decision.action === 'dead_letter') {
      // The job will not run again: the run ends here, with the reason a person can act on.
      await store.fail(input.runId, `${code}: ${message} (attempt ${input.attempt.attempt} of ${input.attempt.maxAttempts})`, input.token);
      await clearRunStage(deps.pool, input.runId);
      input.log.error({ err: input.error, code }, 'reconciliation failed');
      return;
    }
    input.progress.lastError = `${code}: ${message}`;
    await store.beat(input.runId, input.token, input.progress);
    input.log.warn({ err: input.error, code, attempt: input.attempt.attempt }, 'reconciliation attempt failed; it resumes on retry');
  }

  return { run, store };
}

const isStopNotice = (error: unknown) => error instanceof Error && error.message === 'stopped: another source failed';

function emptySource(source: RunSource): SourceProgress {
  return {
    kind: source.kind === 'erp' ? 'erp' : source.connection.kind === 'shopify' ? 'shopify' : 'woocommerce',
    name: source.name,
    phase: 'pending',
    read: 0,
    compared: 0,
    total: null,
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
