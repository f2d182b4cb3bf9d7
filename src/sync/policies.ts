// Pure: what a store's quantity report means (our echo, its own sale, a manual edit) and what the
// connection's policies say to do about it; when a movement counts as reflected by the ERP.
import { z } from 'zod';
import type { ManualEditPolicy, MovementPolicy } from '../connections/types.js';
import { orderStoreReport } from './ordering.js';
import type { SyncTiming } from './ports.js';

export type LevelState = {
  target: number | null;
  /** What the channel shows as far as we know: its last report, our last write, or that plus its own sales since. */
  lastSeen: number | null;
  lastSeenAt: Date | null;
  lastPushed: number | null;
  lastPushedAt: Date | null;
  lastEventAt: Date | null;
};

export type LevelReport = { available: number; reportedAt: Date; receivedAt: Date };

export type LevelDecision =
  | { decision: 'stale'; newestAppliedAt: Date }
  /** Our own write coming back: a confirmation. `updateSeen` false when newer knowledge exists. */
  | { decision: 'echo'; updateSeen: boolean }
  /** The store shows what we expected (the target, or what it showed plus its own sales). */
  | { decision: 'confirmed'; updateSeen: boolean }
  | { decision: 'first_sighting' }
  /** Unexplained so far: judge again at `retryAt`, when the order that explains it has had time to arrive. */
  | { decision: 'deferred'; retryAt: Date; delta: number }
  | { decision: 'revert'; delta: number; expected: number }
  | { decision: 'adjust'; delta: number; expected: number };

/**
 * Classifies a store report. Echo suppression: a report equal to our last push, within the echo
 * window, is our own write (Shopify inventory_levels/update and WooCommerce product.updated fire
 * for it) and is never a manual edit; a different quantity right after our push is a genuine edit.
 * A report equal to the target is harmless whatever caused it. No push↔webhook loop can start:
 * we only ever push the target, and a report of the target is a confirmation.
 */
export function decideLevelReport(input: {
  state: LevelState;
  report: LevelReport;
  policy: ManualEditPolicy;
  isBundle: boolean;
  now: Date;
  timing: Pick<SyncTiming, 'echoWindowMs' | 'manualEditSettleMs'>;
}): LevelDecision {
  const { state, report } = input;
  const order = orderStoreReport(report.reportedAt, state.lastEventAt);
  if (order.outcome === 'stale') return { decision: 'stale', newestAppliedAt: order.newestAppliedAt };
  const notOlderThanKnown = !state.lastSeenAt || report.reportedAt.getTime() >= state.lastSeenAt.getTime();
  if (isEcho(state, report, input.now, input.timing.echoWindowMs)) {
    // After our push the channel may have moved on by itself (a sale we inferred): keep that.
    const supersededSincePush = state.lastSeenAt && state.lastPushedAt && state.lastSeenAt.getTime() > state.lastPushedAt.getTime();
    return { decision: 'echo', updateSeen: !supersededSincePush };
  }
  if (state.target !== null && report.available === state.target) return { decision: 'confirmed', updateSeen: notOlderThanKnown };
  if (state.lastSeen !== null && report.available === state.lastSeen) return { decision: 'confirmed', updateSeen: false };
  const expected = state.lastSeen ?? state.lastPushed;
  if (expected === null) return { decision: 'first_sighting' };
  const delta = report.available - expected;
  const settledAt = report.receivedAt.getTime() + input.timing.manualEditSettleMs;
  if (input.now.getTime() < settledAt) return { decision: 'deferred', retryAt: new Date(settledAt), delta };
  // A bundle's count cannot say which components changed: its edits are always reverted.
  if (input.policy === 'store-adjusts' && !input.isBundle) return { decision: 'adjust', delta, expected };
  return { decision: 'revert', delta, expected };
}

function isEcho(state: LevelState, report: LevelReport, now: Date, windowMs: number): boolean {
  if (state.lastPushed === null || !state.lastPushedAt || report.available !== state.lastPushed) return false;
  if (now.getTime() - state.lastPushedAt.getTime() > windowMs) return false;
  // Once the channel is known to have changed after our push (its own sale), an equal report
  // newer than that change is new information, not our write.
  if (state.lastSeenAt && state.lastSeenAt.getTime() > state.lastPushedAt.getTime()) {
    return report.reportedAt.getTime() < state.lastSeenAt.getTime();
  }
  return true;
}

/** The ERP settings the decision core reads (ErpSettings plus the reserve-only import lag). */
export const ErpPolicy = z.object({
  movementPolicy: z.enum(['post-movements', 'reserve-only']).default('post-movements'),
  quantityBasis: z
    .object({ subtractReserved: z.boolean().default(true), includeIncoming: z.boolean().default(false) })
    .default({ subtractReserved: true, includeIncoming: false }),
  /** reserve-only: longest time the ERP takes to import a store order by itself. */
  orderImportLagMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(15 * 60_000),
});
export type ErpPolicy = z.infer<typeof ErpPolicy>;

export function erpPolicyOf(settings: unknown): ErpPolicy {
  const parsed = ErpPolicy.safeParse(settings ?? {});
  return parsed.success ? parsed.data : ErpPolicy.parse({});
}

/**
 * Whether a movement is posted to the ERP. post-movements: all of them. reserve-only: the ERP
 * imports store orders by itself, so sales and releases are only held as reservations; a manual
 * store edit (store-adjusts) is never imported by the ERP, so it is posted under either policy.
 */
export function requiresPost(kind: 'sale' | 'release' | 'adjustment', policy: MovementPolicy): boolean {
  return kind === 'adjustment' || policy === 'post-movements';
}

export type UnreflectedMovement = {
  id: string;
  warehouse: string | null;
  status: 'pending' | 'posted' | 'failed';
  postRequired: boolean;
  occurredAt: Date;
  postRequestedAt: Date | null;
  orderImportLagMs: number;
};

/**
 * Movements the ERP's numbers now include, given the newest ERP report time per warehouse
 * (`reportedAt`, the ERP's own updatedAt; key "" = newest over all warehouses).
 *
 * - Posted movements: the ERP applies a post before answering, so any report of that item stamped
 *   at or after the moment we first sent it includes it; reports stamped earlier never do. The
 *   send time is recorded before the request, so a report that races our bookkeeping still counts.
 * - Reservations (reserve-only): the ERP imports the store order within `orderImportLagMs`. Once
 *   that time has passed AND the ERP has reported the item at or after the order, its numbers
 *   include the order. Until both hold the reservation keeps lowering available-to-sell: holding
 *   too long undersells briefly; releasing too early would oversell.
 * Clocks are assumed NTP-synced; an ERP clock behind ours only delays reflection (the safe side).
 */
export function decideReflections(movements: UnreflectedMovement[], reportedAt: ReadonlyMap<string, Date>, now: Date): string[] {
  const reflected: string[] = [];
  for (const movement of movements) {
    const report = reportedAt.get(movement.warehouse ?? '');
    if (!report) continue;
    if (movement.postRequired) {
      if (movement.status === 'posted' && movement.postRequestedAt && report.getTime() >= movement.postRequestedAt.getTime())
        reflected.push(movement.id);
      continue;
    }
    const imported = now.getTime() >= movement.occurredAt.getTime() + movement.orderImportLagMs;
    if (imported && report.getTime() >= movement.occurredAt.getTime()) reflected.push(movement.id);
  }
  return reflected;
}
