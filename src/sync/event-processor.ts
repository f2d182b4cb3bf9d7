// The `event.process` domain call: one stored inbox event → facts → work per SKU → each SKU
// reconciled under its lock → the bundles using a changed SKU recomputed → the inbox row marked.
// Returns a tagged outcome; the worker maps it (busy and deferred hand the job back to the queue
// without spending an attempt; a thrown error is retried by the runtime and dead-lettered at the end).
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { WORKER_ACTOR } from './audit.js';
import { type EventNote, OrderNotSeenError, planEventWork } from './event-work.js';
import { interpretEvent, type Platform } from './interpret-event.js';
import type { Clock } from './ports.js';
import type { SkuReconciler } from './reconcile-sku.js';
import { bundlesUsing, storeKeyOf } from './resolve-skus.js';

export type EventJob = { inboxEventId: string; correlationId: string };

export type EventOutcome =
  | { outcome: 'processed'; skus: string[]; movements: number }
  | { outcome: 'ignored'; reason: string }
  /** A SKU lock was busy (or lost): run the job again shortly. */
  | { outcome: 'busy'; retryAt: Date }
  /** A store change nothing explains yet: judged again at retryAt (policies.ts). */
  | { outcome: 'deferred'; retryAt: Date }
  | { outcome: 'not_found' };

export type EventProcessorDeps = { prisma: PrismaClient; reconciler: SkuReconciler; clock: Clock; log: Logger };

const BUSY_RETRY_MS = 100;

export function createEventProcessor(deps: EventProcessorDeps) {
  async function process(job: EventJob): Promise<EventOutcome> {
    const row = await loadInboxRow(deps.prisma, job.inboxEventId);
    if (!row) return { outcome: 'not_found' };
    const log = deps.log.child({ module: 'sync', inboxEventId: row.id, correlationId: row.correlationId, topic: row.topic });
    await deps.prisma.inboxEvent.update({ where: { id: row.id }, data: { status: 'processing', attempts: { increment: 1 } } });
    try {
      const outcome = await handle(row, log);
      await settle(row.id, outcome);
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
      await deps.prisma.inboxEvent.update({ where: { id: row.id }, data: { status: 'failed', error: message.slice(0, 2_000) } });
      throw error;
    }
  }

  async function handle(row: Row, log: Logger): Promise<EventOutcome> {
    if (row.connection.deletedAt) return { outcome: 'ignored', reason: 'the connection was removed' };
    const platform: Platform = row.connection.kind;
    const facts = interpretEvent({
      platform,
      topic: row.topic,
      payload: row.payload,
      receivedAt: row.receivedAt,
      triggeredAt: row.triggeredAt,
    });
    const store = storeKeyOf(row.connection.kind, row.connection.settings, row.connectionId);
    const plan = await planEventWork({ prisma: deps.prisma, connectionId: row.connectionId, store, facts, receivedAt: row.receivedAt });
    await recordNotes(row, plan.notes);
    if (plan.kind === 'ignore') {
      log.debug({ reason: plan.reason }, 'event ignored');
      return { outcome: 'ignored', reason: plan.reason };
    }
    if (plan.deletedVariants) {
      await deps.prisma.listing.updateMany({
        where: { connectionId: row.connectionId, externalVariantId: { in: plan.deletedVariants } },
        data: { state: 'deleted' },
      });
    }
    const context = { correlationId: row.correlationId, sourceEventId: row.id };
    const changed: string[] = [];
    let movements = 0;
    for (const { sku, work } of plan.works) {
      const outcome = await deps.reconciler.run(sku, work, context);
      if (outcome.outcome === 'busy') return busy();
      if (outcome.result.status === 'deferred') return { outcome: 'deferred', retryAt: outcome.result.retryAt ?? deps.clock() };
      if (outcome.result.status === 'order_not_seen') throw new OrderNotSeenError(`event ${row.id}`);
      movements += outcome.movements.length;
      if (outcome.result.status === 'applied' || outcome.reflected > 0) changed.push(sku);
    }
    // A component's change lowers (or raises) every bundle that uses it.
    for (const bundle of await bundlesUsing(deps.prisma, changed)) {
      const outcome = await deps.reconciler.recompute(bundle, context);
      if (outcome.outcome === 'busy') return busy();
    }
    return { outcome: 'processed', skus: [...new Set(plan.works.map((item) => item.sku))], movements };
  }

  const busy = (): EventOutcome => ({
    outcome: 'busy',
    retryAt: new Date(deps.clock().getTime() + BUSY_RETRY_MS + Math.floor(Math.random() * BUSY_RETRY_MS)),
  });

  async function settle(id: string, outcome: EventOutcome): Promise<void> {
    const now = deps.clock();
    switch (outcome.outcome) {
      case 'processed':
        await deps.prisma.inboxEvent.update({ where: { id }, data: { status: 'processed', processedAt: now, error: null } });
        return;
      case 'ignored':
        await deps.prisma.inboxEvent.update({
          where: { id },
          data: { status: 'ignored', processedAt: now, error: `ignored: ${outcome.reason}` },
        });
        return;
      case 'busy':
      case 'deferred':
        // Back in the queue: the job runs again at retryAt.
        await deps.prisma.inboxEvent.update({ where: { id }, data: { status: 'enqueued' } });
        return;
      case 'not_found':
        return;
    }
  }

  async function recordNotes(row: Row, notes: EventNote[]): Promise<void> {
    if (notes.length === 0) return;
    await deps.prisma.auditEntry.createMany({
      data: notes.map((note) => ({
        actor: WORKER_ACTOR,
        action: note.action,
        entityType: 'inbox_event',
        entityId: row.id,
        sku: note.sku,
        connectionId: row.connectionId,
        note: note.note,
        correlationId: row.correlationId,
        after: { topic: row.topic } as Prisma.InputJsonValue,
      })),
    });
  }

  return { process };
}

export type EventProcessor = ReturnType<typeof createEventProcessor>;

type Row = NonNullable<Awaited<ReturnType<typeof loadInboxRow>>>;

function loadInboxRow(prisma: PrismaClient, id: string) {
  return prisma.inboxEvent.findUnique({ where: { id }, include: { connection: true } });
}
