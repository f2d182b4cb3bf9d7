// The kinds of work done on one SKU under its lock, and what each reports back. Each kind has its
// applier (apply-*.ts); reconcile-sku.ts runs them inside the fenced transaction, then recomputes
// reflections and targets for every channel of the SKU.

import type { AuditInput } from './audit.js';
import type { AppliedMovement, LedgerEntry } from './ledger.js';
import type { MovementDraft, ShopifyLineChange, WooLineChange } from './movements.js';
import type { ErpStockItem } from './payloads.js';
import { requiresPost } from './policies.js';
import type { SyncTiming } from './ports.js';
import { type ErpInfo, erpFor, type SkuInfo, type StockView, type SyncStateRow } from './sku-state.js';
import type { Tx } from './sku-transaction.js';
import { chooseWarehouse, type WarehouseSelection } from './targets.js';
import type { SeenPatch } from './write-targets.js';

export type OrderLineWork = {
  lineId: string;
  /** The SKU sold on the store: this SKU, or the bundle this SKU is a component of. */
  listingSku: string;
  /** Units of this SKU per unit sold (a bundle component's quantity; 1 otherwise). */
  unitsPerItem: number;
  /** For a bundle line, only the first component adjusts the bundle's own "what the store shows". */
  leadsListing: boolean;
  change: ShopifyLineChange | WooLineChange;
};

export type SkuWork =
  | { type: 'recompute' }
  | {
      type: 'order_lines';
      connectionId: string;
      platform: 'shopify' | 'woocommerce';
      store: string;
      orderId: string;
      /** Where the order happened; null: the channel's first mapped location. */
      externalLocationId: string | null;
      lines: OrderLineWork[];
    }
  | {
      type: 'level_report';
      connectionId: string;
      platform: 'shopify' | 'woocommerce';
      store: string;
      itemId: string;
      externalLocationId: string;
      available: number;
      reportedAt: Date;
      receivedAt: Date;
    }
  | { type: 'erp_stock'; erpConnectionId: string; rows: ErpStockItem[] }
  | { type: 'movement_posted'; movementId: string; erpReference: string };

export type WorkStatus = 'applied' | 'unchanged' | 'stale' | 'deferred' | 'order_not_seen';

export type WorkResult = { status: WorkStatus; retryAt?: Date; note?: string };

export type AppliedWork = { result: WorkResult; movements: AppliedMovement[]; patches: SeenPatch[]; audits: AuditInput[] };

export type WorkEnv = {
  tx: Tx;
  sku: string;
  now: Date;
  correlationId: string;
  sourceEventId: string | null;
  erps: ErpInfo[];
  info: SkuInfo;
  /** This SKU's stock before the work (bundles: empty; their stock is their components'). */
  stock: StockView;
  existing: SyncStateRow[];
  timing: SyncTiming;
};

export const NOTHING_DONE: AppliedWork = { result: { status: 'unchanged' }, movements: [], patches: [], audits: [] };

/** The warehouse a movement at a location is booked against, and the ERP connection owning it. */
export function attribute(
  env: Pick<WorkEnv, 'stock' | 'erps'>,
  selection: WarehouseSelection | null,
): { warehouse: string | null; erpConnectionId: string | null } {
  if (selection === null) return { warehouse: null, erpConnectionId: env.erps[0]?.id ?? null };
  const fallback = selection === 'all' ? (env.erps[0]?.warehouses[0] ?? null) : (selection[0] ?? null);
  const warehouse = chooseWarehouse(env.stock, selection) ?? fallback;
  return { warehouse, erpConnectionId: erpFor(warehouse, env.stock, env.erps)?.id ?? null };
}

/** Posted to the ERP per its movement policy; a movement with no warehouse cannot be posted and stays a reservation. */
export function postRequiredFor(
  env: Pick<WorkEnv, 'erps'>,
  where: { warehouse: string | null; erpConnectionId: string | null },
  kind: MovementDraft['kind'],
): boolean {
  const erp = env.erps.find((candidate) => candidate.id === where.erpConnectionId);
  return erp !== undefined && where.warehouse !== null && requiresPost(kind, erp.policy.movementPolicy);
}

export function ledgerEntry(
  env: Pick<WorkEnv, 'sku' | 'sourceEventId'>,
  draft: MovementDraft,
  where: {
    connectionId: string;
    externalLocationId: string | null;
    warehouse: string | null;
    erpConnectionId: string | null;
    postRequired: boolean;
  },
): LedgerEntry {
  return { ...draft, sku: env.sku, sourceEventId: env.sourceEventId, ...where };
}

/**
 * The channel's own order moved its stock (Shopify decrements on orders/create, WooCommerce on
 * processing): what it shows moves with it, unless we already know a state newer than the order
 * (our later write overwrote it, or a later report included it).
 */
export function inferShown(
  row: Pick<SyncStateRow, 'lastSeen' | 'lastSeenAt'> | null,
  delta: number,
  occurredAt: Date,
): { lastSeen: number; lastSeenAt: Date } | null {
  if (!row || row.lastSeen === null || delta === 0) return null;
  if (row.lastSeenAt && occurredAt.getTime() <= row.lastSeenAt.getTime()) return null;
  return { lastSeen: row.lastSeen + delta, lastSeenAt: occurredAt };
}
