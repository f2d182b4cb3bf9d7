// A store's quantity report for one SKU at one location, under the SKU's lock: classify it
// (policies.ts: stale, our echo, a confirmation, a manual edit) and act per the channel's policy:
// erp-wins records what the store shows so the push side writes the target back; store-adjusts
// books the difference as an adjustment movement (posted to the ERP) and recomputes every channel.
import type { AuditInput } from './audit.js';
import { applyMovements } from './ledger.js';
import { adjustmentDraft } from './movements.js';
import { decideLevelReport, type LevelDecision } from './policies.js';
import type { SlotContext } from './sku-state.js';
import { type AppliedWork, attribute, ledgerEntry, NOTHING_DONE, postRequiredFor, type SkuWork, type WorkEnv } from './sku-work.js';
import type { SeenPatch } from './write-targets.js';

type LevelWork = Extract<SkuWork, { type: 'level_report' }>;

export async function applyLevelReport(env: WorkEnv, work: LevelWork, slots: SlotContext[]): Promise<AppliedWork> {
  const slot = slots.find(
    (candidate) => candidate.connectionId === work.connectionId && candidate.externalLocationId === work.externalLocationId,
  );
  if (!slot || slot.issue) {
    const why = slot?.issue ? `${slot.issue.code}: ${slot.issue.message}` : 'this channel location does not sell the SKU';
    return { ...NOTHING_DONE, audits: [audit(env, work, 'event.ignored', `store report ignored: ${why}`)] };
  }
  const row =
    env.existing.find((state) => state.connectionId === work.connectionId && state.externalLocationId === work.externalLocationId) ?? null;
  const decision = decideLevelReport({
    state: row ?? { target: null, lastSeen: null, lastSeenAt: null, lastPushed: null, lastPushedAt: null, lastEventAt: null },
    report: { available: work.available, reportedAt: work.reportedAt, receivedAt: work.receivedAt },
    policy: slot.manualEditPolicy,
    isBundle: env.info.isBundle,
    now: env.now,
    timing: env.timing,
  });
  return act(env, work, slot, decision, row?.target ?? null);
}

async function act(env: WorkEnv, work: LevelWork, slot: SlotContext, decision: LevelDecision, target: number | null): Promise<AppliedWork> {
  const seen: SeenPatch = {
    connectionId: work.connectionId,
    externalLocationId: work.externalLocationId,
    lastSeen: work.available,
    lastSeenAt: work.reportedAt,
    lastEventAt: work.reportedAt,
  };
  const eventOnly: SeenPatch = {
    connectionId: work.connectionId,
    externalLocationId: work.externalLocationId,
    lastEventAt: work.reportedAt,
  };
  const applied = (patch: SeenPatch, entry: AuditInput): AppliedWork => ({
    result: { status: 'applied' },
    movements: [],
    patches: [patch],
    audits: [entry],
  });
  switch (decision.decision) {
    case 'stale':
      return {
        ...NOTHING_DONE,
        result: { status: 'stale' },
        audits: [
          audit(
            env,
            work,
            'event.stale',
            `ignored: report of ${work.reportedAt.toISOString()} is older than one already applied (${decision.newestAppliedAt.toISOString()})`,
          ),
        ],
      };
    case 'echo':
      return applied(
        decision.updateSeen ? seen : eventOnly,
        audit(env, work, 'sync.echo_confirmed', `our own write of ${work.available} came back`),
      );
    case 'confirmed':
      return applied(
        decision.updateSeen ? seen : eventOnly,
        audit(env, work, 'sync.level_confirmed', `the channel shows ${work.available} as expected`),
      );
    case 'first_sighting':
      return applied(seen, audit(env, work, 'sync.level_seen', `first report from the channel: ${work.available}`));
    case 'deferred':
      return {
        ...NOTHING_DONE,
        result: {
          status: 'deferred',
          retryAt: decision.retryAt,
          note: `unexplained change of ${decision.delta}: judged at ${decision.retryAt.toISOString()}`,
        },
      };
    case 'revert': {
      const note = `manual edit of ${decision.delta} (showed ${decision.expected}, now ${work.available}) reverted to the target ${target ?? 'not yet computed'} (erp-wins)`;
      return applied(seen, {
        ...audit(env, work, 'manual_edit.reverted', note),
        before: { quantity: decision.expected },
        after: { quantity: work.available, target },
      });
    }
    case 'adjust':
      return adjust(env, work, slot, decision, seen);
  }
}

async function adjust(
  env: WorkEnv,
  work: LevelWork,
  slot: SlotContext,
  decision: Extract<LevelDecision, { decision: 'adjust' }>,
  seen: SeenPatch,
): Promise<AppliedWork> {
  const draft = adjustmentDraft({
    platform: work.platform,
    store: work.store,
    itemId: work.itemId,
    externalLocationId: work.externalLocationId,
    reportedAt: work.reportedAt,
    reported: work.available,
    delta: decision.delta,
  });
  const where = { connectionId: work.connectionId, externalLocationId: work.externalLocationId, ...attribute(env, slot.warehouses) };
  const ledger = await applyMovements(
    env.tx,
    [ledgerEntry(env, draft, { ...where, postRequired: postRequiredFor(env, where, 'adjustment') })],
    {
      correlationId: env.correlationId,
      now: env.now,
    },
  );
  const note = `manual edit of ${decision.delta} (showed ${decision.expected}, now ${work.available}) booked as an adjustment (store-adjusts)`;
  const entry = {
    ...audit(env, work, 'manual_edit.adjusted', note),
    before: { quantity: decision.expected },
    after: { quantity: work.available },
  };
  return { result: { status: 'applied' }, movements: ledger.applied, patches: [seen], audits: [entry] };
}

function audit(env: WorkEnv, work: LevelWork, action: string, note: string): AuditInput {
  return {
    action,
    entityType: 'sync_state',
    entityId: `${env.sku}@${work.connectionId}@${work.externalLocationId}`,
    sku: env.sku,
    connectionId: work.connectionId,
    note,
    correlationId: env.correlationId,
  };
}
