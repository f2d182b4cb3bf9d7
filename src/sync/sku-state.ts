// Reads, inside the SKU's transaction, everything a decision about one SKU needs: its ERP stock and
// unreflected movements, its bundle components, the channel locations selling it (with their
// policies and warehouse mappings) and their sync states.
import { ChannelPolicy, type ManualEditPolicy } from '../connections/types.js';
import { type ErpPolicy, erpPolicyOf } from './policies.js';
import type { Tx } from './sku-transaction.js';
import { type ChannelSlot, type SkuStock, type StockSubject, skuStock } from './targets.js';

export type ErpInfo = { id: string; policy: ErpPolicy; warehouses: string[] };

export async function loadErps(tx: Tx): Promise<ErpInfo[]> {
  const rows = await tx.connection.findMany({
    where: { kind: 'erp', deletedAt: null },
    orderBy: { createdAt: 'asc' },
    select: { id: true, settings: true },
  });
  return rows.map((row) => {
    const warehouses = (row.settings as { warehouses?: unknown } | null)?.warehouses;
    return { id: row.id, policy: erpPolicyOf(row.settings), warehouses: Array.isArray(warehouses) ? warehouses.map(String) : [] };
  });
}

export type StockView = SkuStock & {
  /** Newest ERP report time per warehouse; key "" = newest over all warehouses. */
  reportedAt: Map<string, Date>;
  /** Which ERP connection reported each warehouse. */
  owners: Map<string, string>;
};

export async function loadStock(tx: Tx, sku: string, erps: ErpInfo[]): Promise<StockView> {
  const policies = new Map(erps.map((erp) => [erp.id, erp.policy]));
  const snapshots = await tx.stockSnapshot.findMany({ where: { sku, connectionId: { in: [...policies.keys()] } } });
  const unreflected = await tx.$queryRaw<{ warehouse: string | null; quantity: bigint }[]>`
    SELECT warehouse, sum(quantity) AS quantity FROM movements
    WHERE sku = ${sku} AND status <> 'reflected' AND kind <> 'erp_change'
    GROUP BY warehouse`;
  const rows = snapshots.map((snapshot) => ({ ...snapshot, basis: (policies.get(snapshot.connectionId) as ErpPolicy).quantityBasis }));
  const stock = skuStock(
    rows,
    unreflected.map((row) => ({ warehouse: row.warehouse, quantity: Number(row.quantity) })),
  );
  const reportedAt = new Map<string, Date>();
  const owners = new Map<string, string>();
  for (const snapshot of snapshots) {
    reportedAt.set(snapshot.warehouse, snapshot.sourceUpdatedAt);
    owners.set(snapshot.warehouse, snapshot.connectionId);
    const newest = reportedAt.get('');
    if (!newest || snapshot.sourceUpdatedAt > newest) reportedAt.set('', snapshot.sourceUpdatedAt);
  }
  return { ...stock, reportedAt, owners };
}

export type SkuInfo = { isBundle: boolean; components: { sku: string; quantity: number }[] };

export async function loadSkuInfo(tx: Tx, sku: string): Promise<SkuInfo> {
  const row = await tx.sku.findUnique({
    where: { sku },
    select: { isBundle: true, components: { select: { componentSku: true, quantity: true } } },
  });
  const components = (row?.components ?? []).map((component) => ({ sku: component.componentSku, quantity: component.quantity }));
  // A SKU with components is a bundle even if the flag was not set (imported bills of materials).
  return { isBundle: Boolean(row?.isBundle) || components.length > 0, components };
}

/** The stock a SKU's targets are computed from: its own, or its components' for a bundle. */
export async function loadSubject(tx: Tx, sku: string, info: SkuInfo, erps: ErpInfo[]): Promise<StockSubject> {
  if (!info.isBundle) return { kind: 'single', stock: await loadStock(tx, sku, erps) };
  const components = [];
  for (const component of info.components)
    components.push({ quantity: component.quantity, stock: await loadStock(tx, component.sku, erps) });
  return { kind: 'bundle', components };
}

export type SlotContext = ChannelSlot & { manualEditPolicy: ManualEditPolicy; channelKind: 'shopify' | 'woocommerce'; settings: unknown };

type ListingRow = { connectionId: string; externalVariantId: string; state: string; manageStock: boolean };

/** Every channel location that sells the SKU, with what keeps it from getting a target, if anything. */
export async function loadSlots(tx: Tx, sku: string): Promise<SlotContext[]> {
  const listings: ListingRow[] = await tx.listing.findMany({
    where: { sku, connection: { deletedAt: null, kind: { in: ['shopify', 'woocommerce'] } } },
    select: { connectionId: true, externalVariantId: true, state: true, manageStock: true },
  });
  const connectionIds = [...new Set(listings.map((listing) => listing.connectionId))];
  if (connectionIds.length === 0) return [];
  const connections = await tx.connection.findMany({
    where: { id: { in: connectionIds } },
    select: { id: true, kind: true, settings: true, locations: { where: { active: true }, orderBy: { externalLocationId: 'asc' } } },
  });
  const slots: SlotContext[] = [];
  for (const connection of connections) {
    const own = listings.filter((listing) => listing.connectionId === connection.id);
    const policy = ChannelPolicy.safeParse(connection.settings ?? {});
    const settings = policy.success ? policy.data : ChannelPolicy.parse({});
    const base = {
      connectionId: connection.id,
      policy: settings,
      manualEditPolicy: settings.manualEditPolicy,
      channelKind: connection.kind as 'shopify' | 'woocommerce',
      settings: connection.settings,
      issue: listingIssue(own),
    };
    if (connection.locations.length === 0) {
      const issue = base.issue ?? {
        status: 'unmapped' as const,
        code: 'NO_LOCATION_MAPPED',
        message: 'no store location of this channel is mapped to ERP warehouses',
      };
      slots.push({ ...base, externalLocationId: 'default', warehouses: [], issue });
      continue;
    }
    for (const location of connection.locations) {
      slots.push({
        ...base,
        externalLocationId: location.externalLocationId,
        warehouses: location.warehouseCodes.length === 0 ? 'all' : location.warehouseCodes,
      });
    }
  }
  return slots;
}

/**
 * One SKU on one channel must be exactly one tracked item. Two items sharing a SKU are reported and
 * get no target: pushing the same quantity to both would offer the stock twice, and picking one
 * would bind the SKU to an item silently.
 */
export function listingIssue(listings: ListingRow[]): ChannelSlot['issue'] {
  const active = listings.filter((listing) => listing.state === 'active');
  const duplicates = listings.filter((listing) => listing.state === 'duplicate_sku');
  if (active.length > 1 || duplicates.length > 0) {
    const variants = [...active, ...duplicates].map((listing) => listing.externalVariantId).sort();
    return { status: 'unmapped', code: 'DUPLICATE_SKU', message: `items ${variants.join(', ')} share this SKU on the channel` };
  }
  const listing = active[0];
  if (!listing) {
    const deleted = listings.some((candidate) => candidate.state === 'deleted');
    return deleted
      ? { status: 'deleted', code: 'DELETED', message: 'the item was deleted on the channel' }
      : { status: 'unmapped', code: 'UNMAPPED', message: 'no active item with this SKU on the channel' };
  }
  return listing.manageStock ? null : { status: 'unmapped', code: 'UNTRACKED', message: 'the channel does not manage stock for this item' };
}

export type SyncStateRow = {
  sku: string;
  connectionId: string;
  externalLocationId: string;
  target: number | null;
  lastPushed: number | null;
  lastPushedAt: Date | null;
  lastSeen: number | null;
  lastSeenAt: Date | null;
  lastEventAt: Date | null;
  status: string;
  lastError: string | null;
  outOfSyncSince: Date | null;
};

export async function loadSyncStates(tx: Tx, sku: string): Promise<SyncStateRow[]> {
  return tx.syncState.findMany({
    where: { sku },
    select: {
      sku: true,
      connectionId: true,
      externalLocationId: true,
      target: true,
      lastPushed: true,
      lastPushedAt: true,
      lastSeen: true,
      lastSeenAt: true,
      lastEventAt: true,
      status: true,
      lastError: true,
      outOfSyncSince: true,
    },
  });
}

/** The ERP connection that owns a warehouse: the one reporting it, else the one listing it, else the first. */
export function erpFor(warehouse: string | null, stock: StockView, erps: ErpInfo[]): ErpInfo | null {
  if (warehouse) {
    const owner = stock.owners.get(warehouse);
    const reporting = erps.find((erp) => erp.id === owner);
    if (reporting) return reporting;
    const listing = erps.find((erp) => erp.warehouses.includes(warehouse));
    if (listing) return listing;
  }
  return erps[0] ?? null;
}
