// Writes a SKU's computed targets into sync_states (one row per channel location), with an audit row
// per change, and says which rows now need a push: those whose channel does not show the target.
// `lastSeen` is what the channel shows as far as we know; the push side compares the target with
// it (and uses it as the compare-and-set base), so keeping it true avoids needless pushes.
import type { Prisma } from '../db/client.js';
import type { AuditInput } from './audit.js';
import type { SyncStateRow } from './sku-state.js';
import type { Tx } from './sku-transaction.js';
import type { SlotTarget } from './targets.js';

/** What a store report taught us about a row (applied before the target comparison). */
export type SeenPatch = { connectionId: string; externalLocationId: string; lastSeen?: number; lastSeenAt?: Date; lastEventAt?: Date };

export type PushNeed = { connectionId: string; externalLocationId: string };

export type WriteTargetsInput = {
  sku: string;
  targets: SlotTarget[];
  existing: SyncStateRow[];
  patches: SeenPatch[];
  now: Date;
  correlationId: string;
};

const slotKey = (row: { connectionId: string; externalLocationId: string }) => `${row.connectionId}@${row.externalLocationId}`;

export async function writeTargets(tx: Tx, input: WriteTargetsInput): Promise<{ pushes: PushNeed[]; audits: AuditInput[] }> {
  const existing = new Map(input.existing.map((row) => [slotKey(row), row]));
  const patches = new Map(input.patches.map((patch) => [slotKey(patch), patch]));
  const pushes: PushNeed[] = [];
  const audits: AuditInput[] = [];
  const wanted = new Set<string>();
  for (const target of input.targets) {
    wanted.add(slotKey(target));
    const row = existing.get(slotKey(target)) ?? null;
    const plan = planRow(row, target, patches.get(slotKey(target)), input.now);
    if (plan.changes) await upsertRow(tx, input.sku, target, plan.data);
    if (plan.push) pushes.push({ connectionId: target.connectionId, externalLocationId: target.externalLocationId });
    const entityId = `${input.sku}@${slotKey(target)}`;
    audits.push(
      ...plan.audits.map((audit) => ({
        ...audit,
        entityId,
        sku: input.sku,
        connectionId: target.connectionId,
        correlationId: input.correlationId,
      })),
    );
  }
  for (const row of input.existing) {
    if (wanted.has(slotKey(row)) || row.target === null) continue;
    // The channel location stopped selling this SKU (listing or mapping removed): stop pushing it.
    const lastError = 'NO_LONGER_MAPPED: this channel location no longer sells the SKU';
    await tx.syncState.update({
      where: {
        sku_connectionId_externalLocationId: { sku: input.sku, connectionId: row.connectionId, externalLocationId: row.externalLocationId },
      },
      data: { target: null, status: 'unmapped', lastError, version: { increment: 1 } },
    });
    audits.push(targetAudit({ ...row, sku: input.sku }, row.target, null, lastError, input.correlationId));
  }
  return { pushes, audits };
}

type RowData = Omit<Prisma.SyncStateUncheckedCreateInput, 'sku' | 'connectionId' | 'externalLocationId' | 'version'>;
type RowPlan = {
  changes: boolean;
  push: boolean;
  data: RowData;
  audits: Omit<AuditInput, 'entityId' | 'sku' | 'connectionId' | 'correlationId'>[];
};

function planRow(row: SyncStateRow | null, target: SlotTarget, patch: SeenPatch | undefined, now: Date): RowPlan {
  const lastSeen = patch?.lastSeen ?? row?.lastSeen ?? null;
  const seen = {
    lastSeen,
    lastSeenAt: patch?.lastSeenAt ?? row?.lastSeenAt ?? null,
    lastEventAt: patch?.lastEventAt ?? row?.lastEventAt ?? null,
  };
  const targetChanged = (row?.target ?? null) !== target.target;
  const audits: RowPlan['audits'] = [];
  if (target.issue) {
    const lastError = `${target.issue.code}: ${target.issue.message}`;
    const data: RowData = { ...seen, target: null, status: target.issue.status, lastError, outOfSyncSince: null };
    const changes = !row || targetChanged || row.status !== target.issue.status || row.lastError !== lastError || patch !== undefined;
    if (!row || row.lastError !== lastError || targetChanged) audits.push(issueAudit(row?.target ?? null, target.issue.status, lastError));
    return { changes, push: false, data, audits };
  }
  const inSync = lastSeen !== null && lastSeen === target.target;
  const status = inSync ? 'in_sync' : nextPendingStatus(row?.status);
  const data: RowData = {
    ...seen,
    target: target.target,
    status,
    lastError: inSync || isIssueStatus(row?.status) ? null : (row?.lastError ?? null),
    outOfSyncSince: inSync ? null : (row?.outOfSyncSince ?? now),
    ...(inSync ? { pendingCorrelationId: null, pendingSince: null } : {}),
  };
  const changes = !row || targetChanged || row.status !== status || patch !== undefined || (inSync && row.outOfSyncSince !== null);
  if (targetChanged) {
    audits.push({
      action: 'sync.target_changed',
      entityType: 'sync_state',
      before: { target: row?.target ?? null },
      after: { target: target.target, availableToSell: target.availableToSell },
    });
  }
  // A row the push side parked (error: a permanent failure; paused: connection paused) is asked
  // again only when its target moves; everything else not showing its target is pushed.
  const parked = row?.status === 'error' || row?.status === 'paused';
  return { changes, push: !inSync && (!parked || targetChanged), data, audits };
}

function nextPendingStatus(current: string | undefined): RowData['status'] {
  if (current === 'pending' || current === 'pushing' || current === 'paused' || current === 'error') return current;
  return 'pending';
}

function isIssueStatus(status: string | undefined): boolean {
  return status === 'unmapped' || status === 'deleted';
}

function issueAudit(before: number | null, status: string, lastError: string): RowPlan['audits'][number] {
  return {
    action: 'sync.target_withheld',
    entityType: 'sync_state',
    before: { target: before },
    after: { target: null, status },
    note: lastError,
  };
}

async function upsertRow(tx: Tx, sku: string, slot: SlotTarget, data: RowData): Promise<void> {
  const key = { sku, connectionId: slot.connectionId, externalLocationId: slot.externalLocationId };
  await tx.syncState.upsert({
    where: { sku_connectionId_externalLocationId: key },
    create: { ...key, ...data },
    update: { ...data, version: { increment: 1 } },
  });
}

function targetAudit(
  row: { sku: string; connectionId: string; externalLocationId: string },
  before: number | null,
  after: number | null,
  note: string,
  correlationId: string,
): AuditInput {
  return {
    action: 'sync.target_withheld',
    entityType: 'sync_state',
    entityId: `${row.sku}@${slotKey(row)}`,
    sku: row.sku,
    connectionId: row.connectionId,
    before: { target: before },
    after: { target: after, status: 'unmapped' },
    note,
    correlationId,
  };
}
