// Order lines of one SKU under its lock: read each line's record, decide (movements.ts), book the
// movements (ledger.ts), save the record, and note how the selling channel's own stock moved.
import type { AuditInput } from './audit.js';
import { applyMovements, type LedgerEntry } from './ledger.js';
import {
  decideShopifyLine,
  decideWooLine,
  EMPTY_LINE,
  type LineDecision,
  type LineRecord,
  lineSubject,
  type WooLineChange,
} from './movements.js';
import type { Tx } from './sku-transaction.js';
import {
  type AppliedWork,
  attribute,
  inferShown,
  ledgerEntry,
  type OrderLineWork,
  postRequiredFor,
  type SkuWork,
  type WorkEnv,
  type WorkStatus,
} from './sku-work.js';
import type { WarehouseSelection } from './targets.js';
import type { SeenPatch } from './write-targets.js';

type OrderWork = Extract<SkuWork, { type: 'order_lines' }>;

type StoredLine = LineRecord & { externalLocationId: string | null; warehouse: string | null; erpConnectionId: string | null };

export async function applyOrderLines(env: WorkEnv, work: OrderWork): Promise<AppliedWork> {
  const location = await resolveLocation(env.tx, work.connectionId, work.externalLocationId);
  const entries: LedgerEntry[] = [];
  const booked: { line: OrderLineWork; keys: Set<string>; occurredAt: Date }[] = [];
  const audits: AuditInput[] = [];
  const statuses: WorkStatus[] = [];
  for (const line of work.lines) {
    const stored = await loadLine(env.tx, work, line, env.sku);
    const decision = decide(work, line, stored, env.sku);
    statuses.push(decision.outcome);
    if (decision.outcome === 'stale') {
      audits.push(staleAudit(env, work, line, stored.lastEventAt));
      continue;
    }
    if (decision.outcome === 'order_not_seen') continue;
    const where = placeOf(env, stored, location, work.connectionId);
    for (const draft of decision.drafts)
      entries.push(ledgerEntry(env, draft, { ...where, postRequired: postRequiredFor(env, where, draft.kind) }));
    await saveLine(env.tx, work, line, env.sku, {
      ...decision.record,
      externalLocationId: where.externalLocationId,
      warehouse: where.warehouse,
      erpConnectionId: where.erpConnectionId,
    });
    const last = decision.drafts.at(-1);
    if (line.leadsListing && last)
      booked.push({ line, keys: new Set(decision.drafts.map((draft) => draft.idempotencyKey)), occurredAt: last.occurredAt });
  }
  const ledger = await applyMovements(env.tx, entries, { correlationId: env.correlationId, now: env.now });
  // Only what this delivery newly booked moves the channel's shown stock (a duplicate moved it already).
  const fresh = booked.map(({ line, keys, occurredAt }) => {
    const units = ledger.applied
      .filter((movement) => keys.has(movement.idempotencyKey))
      .reduce((sum, movement) => sum + movement.quantity, 0);
    return { line, delta: units / line.unitsPerItem, occurredAt };
  });
  const patches = await inferChannelStock(env, work, location.externalLocationId, fresh);
  return { result: { status: summarize(statuses) }, movements: ledger.applied, patches, audits };
}

function decide(work: OrderWork, line: OrderLineWork, stored: LineRecord, sku: string): LineDecision {
  const subject = lineSubject({
    platform: work.platform,
    store: work.store,
    orderId: work.orderId,
    lineId: line.lineId,
    sku,
    listingSku: line.listingSku,
    unitsPerItem: line.unitsPerItem,
  });
  if (work.platform === 'woocommerce') return decideWooLine(stored, line.change as WooLineChange, subject);
  return decideShopifyLine(stored, line.change as Exclude<OrderLineWork['change'], WooLineChange>, subject);
}

type Location = { externalLocationId: string | null; selection: WarehouseSelection | null };

/** The order's location if it is mapped, else the channel's first active mapped location. */
async function resolveLocation(tx: Tx, connectionId: string, wanted: string | null): Promise<Location> {
  const mappings = await tx.locationMapping.findMany({ where: { connectionId, active: true }, orderBy: { externalLocationId: 'asc' } });
  const mapping = mappings.find((candidate) => wanted !== null && sameExternalId(candidate.externalLocationId, wanted)) ?? mappings[0];
  if (!mapping) return { externalLocationId: wanted, selection: null };
  return {
    externalLocationId: mapping.externalLocationId,
    selection: mapping.warehouseCodes.length === 0 ? 'all' : mapping.warehouseCodes,
  };
}

/** Shopify ids arrive as numbers in webhooks and as gids from GraphQL: compare the numeric tail. */
export function sameExternalId(a: string, b: string): boolean {
  const tail = (id: string) => id.slice(id.lastIndexOf('/') + 1);
  return a === b || tail(a) === tail(b);
}

/** A line keeps the location and warehouse of its first booking: releases go back where sales came from. */
function placeOf(env: WorkEnv, stored: StoredLine, location: Location, connectionId: string) {
  if (stored.warehouse !== null || stored.externalLocationId !== null) {
    return {
      connectionId,
      externalLocationId: stored.externalLocationId,
      warehouse: stored.warehouse,
      erpConnectionId: stored.erpConnectionId,
    };
  }
  return { connectionId, externalLocationId: location.externalLocationId, ...attribute(env, location.selection) };
}

async function loadLine(tx: Tx, work: OrderWork, line: OrderLineWork, sku: string): Promise<StoredLine> {
  const row = await tx.orderLine.findUnique({
    where: { connectionId_orderId_lineId_sku: { connectionId: work.connectionId, orderId: work.orderId, lineId: line.lineId, sku } },
  });
  if (!row) return { ...EMPTY_LINE, externalLocationId: null, warehouse: null, erpConnectionId: null };
  return row;
}

async function saveLine(tx: Tx, work: OrderWork, line: OrderLineWork, sku: string, record: StoredLine): Promise<void> {
  const key = { connectionId: work.connectionId, orderId: work.orderId, lineId: line.lineId, sku };
  const data = {
    listingSku: line.listingSku,
    externalLocationId: record.externalLocationId,
    warehouse: record.warehouse,
    erpConnectionId: record.erpConnectionId,
    orderedQuantity: record.orderedQuantity,
    heldQuantity: record.heldQuantity,
    placed: record.placed,
    cancelled: record.cancelled,
    holdCount: record.holdCount,
    revision: record.revision,
    restockedQuantity: record.restockedQuantity,
    appliedRefs: record.appliedRefs,
    lastEventAt: record.lastEventAt,
  };
  await tx.orderLine.upsert({ where: { connectionId_orderId_lineId_sku: key }, create: { ...key, ...data }, update: data });
}

async function inferChannelStock(
  env: WorkEnv,
  work: OrderWork,
  externalLocationId: string | null,
  fresh: { line: OrderLineWork; delta: number; occurredAt: Date }[],
): Promise<SeenPatch[]> {
  if (externalLocationId === null) return [];
  const patches: SeenPatch[] = [];
  let row =
    env.existing.find((state) => state.connectionId === work.connectionId && state.externalLocationId === externalLocationId) ?? null;
  for (const { line, delta, occurredAt } of fresh) {
    if (delta === 0) continue;
    if (line.listingSku !== env.sku) {
      await inferBundleListing(env.tx, { sku: line.listingSku, connectionId: work.connectionId, externalLocationId, delta, occurredAt });
      continue;
    }
    const inferred = inferShown(row, delta, occurredAt);
    if (!inferred || !row) continue;
    row = { ...row, ...inferred };
    patches.push({ connectionId: work.connectionId, externalLocationId, ...inferred });
  }
  return patches;
}

/**
 * The bundle's own sync_states row belongs to the bundle's lock; this single relative UPDATE is
 * atomic on its own, and the bundle is recomputed under its lock right after.
 */
async function inferBundleListing(
  tx: Tx,
  input: { sku: string; connectionId: string; externalLocationId: string; delta: number; occurredAt: Date },
): Promise<void> {
  await tx.$executeRaw`
    UPDATE sync_states SET last_seen = last_seen + ${Math.trunc(input.delta)}, last_seen_at = ${input.occurredAt}
    WHERE sku = ${input.sku} AND connection_id = ${input.connectionId}::uuid AND external_location_id = ${input.externalLocationId}
      AND last_seen IS NOT NULL AND (last_seen_at IS NULL OR last_seen_at < ${input.occurredAt})`;
}

function staleAudit(env: WorkEnv, work: OrderWork, line: OrderLineWork, newest: Date | null): AuditInput {
  return {
    action: 'event.stale',
    entityType: 'order_line',
    entityId: `${work.orderId}:${line.lineId}`,
    sku: env.sku,
    connectionId: work.connectionId,
    note: `ignored: this order update is older than one already applied (${newest?.toISOString() ?? 'unknown'})`,
    correlationId: env.correlationId,
  };
}

function summarize(statuses: WorkStatus[]): WorkStatus {
  if (statuses.includes('order_not_seen')) return 'order_not_seen';
  if (statuses.includes('applied')) return 'applied';
  if (statuses.length > 0 && statuses.every((status) => status === 'stale')) return 'stale';
  return 'unchanged';
}
