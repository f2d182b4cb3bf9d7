// One SKU, one decision: lock → load → decide → write ledger, snapshot, sync states and audit →
// then ask for pushes of every channel location whose target the channel does not show (a sale on
// store A lowers B and C in the same transaction) and queue the ERP posts of new movements.
// Collaborators are given, never looked up: { prisma, lock, schedulePush, enqueueMovementPost, clock, log }.
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { applyErpStock } from './apply-erp-stock.js';
import { applyLevelReport } from './apply-level-report.js';
import { applyOrderLines } from './apply-order-lines.js';
import { type AuditInput, recordAudits } from './audit.js';
import { type AppliedMovement, markReflected } from './ledger.js';
import { decideReflections, type UnreflectedMovement } from './policies.js';
import type { Clock, EnqueueMovementPost, SchedulePush, SyncTiming } from './ports.js';
import type { SkuLock } from './sku-lock.js';
import {
  type ErpInfo,
  loadErps,
  loadSkuInfo,
  loadSlots,
  loadStock,
  loadSubject,
  loadSyncStates,
  type SkuInfo,
  type SlotContext,
  type StockView,
} from './sku-state.js';
import { runSkuTransaction, type Tx } from './sku-transaction.js';
import { type AppliedWork, NOTHING_DONE, type SkuWork, type WorkEnv, type WorkResult } from './sku-work.js';
import { computeTargets, type StockSubject } from './targets.js';
import { type PushNeed, writeTargets } from './write-targets.js';

export type SkuReconcilerDeps = {
  prisma: PrismaClient;
  lock: SkuLock;
  schedulePush: SchedulePush;
  enqueueMovementPost: EnqueueMovementPost;
  clock: Clock;
  log: Logger;
  timing: SyncTiming;
};

export type SkuContext = { correlationId: string; sourceEventId?: string | null };

export type SkuOutcome =
  | { outcome: 'busy'; reason: 'lock_busy' | 'lock_lost' }
  | { outcome: 'done'; result: WorkResult; movements: AppliedMovement[]; pushes: PushNeed[]; reflected: number };

const EMPTY_STOCK: StockView = { erp: new Map(), unreflected: new Map(), reportedAt: new Map(), owners: new Map() };

export function createSkuReconciler(deps: SkuReconcilerDeps) {
  async function run(sku: string, work: SkuWork, context: SkuContext): Promise<SkuOutcome> {
    const outcome = await runSkuTransaction({ ...deps, lockWaitMs: deps.timing.lockWaitMs }, sku, (tx) => decide(tx, sku, work, context));
    if (outcome.outcome === 'busy') return outcome;
    const { result, movements, pushes, reflected } = outcome.value;
    await afterCommit(sku, movements, pushes, context.correlationId);
    if (result.status !== 'unchanged')
      deps.log.info({ sku, work: work.type, status: result.status, movements: movements.length, pushes: pushes.length }, 'SKU reconciled');
    return { outcome: 'done', result, movements, pushes, reflected };
  }

  async function decide(tx: Tx, sku: string, work: SkuWork, context: SkuContext) {
    const now = deps.clock();
    const erps = await loadErps(tx);
    const info = await loadSkuInfo(tx, sku);
    // Only sales and edits need the stock before the work (to choose a warehouse).
    const attributes = work.type === 'order_lines' || work.type === 'level_report';
    const env: WorkEnv = {
      tx,
      sku,
      now,
      correlationId: context.correlationId,
      sourceEventId: context.sourceEventId ?? null,
      erps,
      info,
      stock: info.isBundle || !attributes ? EMPTY_STOCK : await loadStock(tx, sku, erps),
      existing: await loadSyncStates(tx, sku),
      timing: deps.timing,
    };
    const slots = await loadSlots(tx, sku);
    const applied = await applyWork(env, work, slots);
    if (applied.result.status === 'deferred' || applied.result.status === 'order_not_seen') {
      await recordAudits(tx, applied.audits, now);
      return { result: applied.result, movements: applied.movements, pushes: [] as PushNeed[], reflected: 0 };
    }
    const { subject, reflected } = await currentSubject(tx, sku, info, erps, now, context.correlationId);
    const targets = computeTargets(subject, slots);
    const written = await writeTargets(tx, {
      sku,
      targets,
      existing: env.existing,
      patches: applied.patches,
      now,
      correlationId: context.correlationId,
    });
    await recordAudits(tx, [...applied.audits, ...written.audits], now);
    return { result: applied.result, movements: applied.movements, pushes: written.pushes, reflected };
  }

  async function afterCommit(sku: string, movements: AppliedMovement[], pushes: PushNeed[], correlationId: string): Promise<void> {
    for (const push of pushes) await deps.schedulePush({ ...push, sku, correlationId });
    for (const movement of movements) if (movement.postRequired) await deps.enqueueMovementPost({ movementId: movement.id, correlationId });
  }

  return { run, recompute: (sku: string, context: SkuContext) => run(sku, { type: 'recompute' }, context) };
}

export type SkuReconciler = ReturnType<typeof createSkuReconciler>;

async function applyWork(env: WorkEnv, work: SkuWork, slots: SlotContext[]): Promise<AppliedWork> {
  switch (work.type) {
    case 'recompute':
      return NOTHING_DONE;
    case 'order_lines':
      return applyOrderLines(env, work);
    case 'level_report':
      return applyLevelReport(env, work, slots);
    case 'erp_stock':
      return applyErpStock(env, work);
    case 'movement_posted':
      return recordPosted(env, work);
  }
}

/** The ERP accepted a post: the movement is `posted` until an ERP report shows it (policies.ts). */
async function recordPosted(env: WorkEnv, work: Extract<SkuWork, { type: 'movement_posted' }>): Promise<AppliedWork> {
  const updated = await env.tx.$executeRaw`
    UPDATE movements SET status = 'posted', posted_at = ${env.now}, erp_reference = ${work.erpReference}, post_error = NULL
    WHERE id = ${BigInt(work.movementId)} AND sku = ${env.sku} AND status IN ('pending', 'failed')`;
  if (updated === 0) return NOTHING_DONE;
  const audit: AuditInput = {
    action: 'movement.posted',
    entityType: 'movement',
    entityId: work.movementId,
    sku: env.sku,
    note: `posted to the ERP as ${work.erpReference}`,
    correlationId: env.correlationId,
  };
  return { result: { status: 'applied' }, movements: [], patches: [], audits: [audit] };
}

/** The stock the targets are computed from, after the work and after marking what the ERP now reflects. */
async function currentSubject(
  tx: Tx,
  sku: string,
  info: SkuInfo,
  erps: ErpInfo[],
  now: Date,
  correlationId: string,
): Promise<{ subject: StockSubject; reflected: number }> {
  if (info.isBundle) return { subject: await loadSubject(tx, sku, info, erps), reflected: 0 };
  const stock = await loadStock(tx, sku, erps);
  const reflected = await reflect(tx, sku, stock, erps, now, correlationId);
  const unreflected = new Map(stock.unreflected);
  for (const movement of reflected)
    unreflected.set(movement.warehouse ?? '', (unreflected.get(movement.warehouse ?? '') ?? 0) - movement.quantity);
  return { subject: { kind: 'single', stock: { ...stock, unreflected } }, reflected: reflected.length };
}

/**
 * Marks the movements the ERP's latest reports include (policies.ts decideReflections). Only
 * movements no newer than the newest report can qualify, so a hot SKU's fresh sales are not read.
 */
async function reflect(tx: Tx, sku: string, stock: StockView, erps: ErpInfo[], now: Date, correlationId: string) {
  const newest = stock.reportedAt.get('');
  if (!newest) return [];
  const rows = await tx.$queryRaw<
    {
      id: bigint;
      warehouse: string | null;
      status: string;
      post_required: boolean;
      occurred_at: Date;
      post_requested_at: Date | null;
      erp_connection_id: string | null;
      quantity: number;
    }[]
  >`
    SELECT id, warehouse, status::text AS status, post_required, occurred_at, post_requested_at, erp_connection_id::text AS erp_connection_id, quantity
    FROM movements
    WHERE sku = ${sku} AND kind <> 'erp_change' AND (
      (post_required AND status = 'posted' AND post_requested_at <= ${newest}) OR
      (NOT post_required AND status = 'pending' AND occurred_at <= ${newest}))`;
  const lagOf = (id: string | null) => (erps.find((erp) => erp.id === id) ?? erps[0])?.policy.orderImportLagMs ?? 0;
  const movements: UnreflectedMovement[] = rows.map((row) => ({
    id: row.id.toString(),
    warehouse: row.warehouse,
    status: row.status as UnreflectedMovement['status'],
    postRequired: row.post_required,
    occurredAt: row.occurred_at,
    postRequestedAt: row.post_requested_at,
    orderImportLagMs: lagOf(row.erp_connection_id),
  }));
  const ids = new Set(decideReflections(movements, stock.reportedAt, now));
  const count = await markReflected(tx, [...ids], now);
  if (count === 0) return [];
  await recordAudits(
    tx,
    [
      {
        action: 'movement.reflected',
        entityType: 'sku',
        entityId: sku,
        sku,
        after: { movements: [...ids] },
        note: `${count} movement(s) now included in the ERP's stock`,
        correlationId,
      },
    ],
    now,
  );
  return rows.filter((row) => ids.has(row.id.toString())).map((row) => ({ warehouse: row.warehouse, quantity: row.quantity }));
}
