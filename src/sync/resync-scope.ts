// Which SKUs and channels a resync covers. A SKU, a connection (a store's SKUs, or an ERP's), or
// everything; SKUs are walked in keyset-paged chunks so a full catalog never sits in memory at once.
import type { PrismaClient } from '../db/client.js';

export type ResyncScope = { sku?: string | undefined; connectionId?: string | undefined };

export type ScopeConnection = { id: string; kind: 'shopify' | 'woocommerce' | 'erp'; paused: boolean };

/** The next chunk of SKUs after `afterSku` (exclusive), in SKU order. */
export async function skusInScope(prisma: PrismaClient, scope: ResyncScope, afterSku: string, limit: number): Promise<string[]> {
  if (scope.sku !== undefined) return afterSku === '' ? [scope.sku] : [];
  const connectionId = scope.connectionId ?? null;
  const rows = await prisma.$queryRaw<{ sku: string }[]>`
    SELECT sku FROM (
      SELECT sku FROM skus WHERE ${connectionId}::uuid IS NULL
      UNION SELECT sku FROM sync_states WHERE ${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid
      UNION SELECT sku FROM listings
        WHERE state = 'active' AND sku <> '' AND (${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid)
      UNION SELECT sku FROM stock_snapshots WHERE ${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid
    ) AS scope
    WHERE sku > ${afterSku}
    ORDER BY sku
    LIMIT ${limit}`;
  return rows.map((row) => row.sku);
}

export async function countSkusInScope(prisma: PrismaClient, scope: ResyncScope): Promise<number> {
  if (scope.sku !== undefined) return 1;
  const connectionId = scope.connectionId ?? null;
  const rows = await prisma.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM (
      SELECT sku FROM skus WHERE ${connectionId}::uuid IS NULL
      UNION SELECT sku FROM sync_states WHERE ${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid
      UNION SELECT sku FROM listings
        WHERE state = 'active' AND sku <> '' AND (${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid)
      UNION SELECT sku FROM stock_snapshots WHERE ${connectionId}::uuid IS NULL OR connection_id = ${connectionId}::uuid
    ) AS scope`;
  return Number(rows[0]?.count ?? 0);
}

/**
 * The channels whose pushes a resync verifies: the named store, or every store when the scope is a
 * SKU, an ERP or everything (an ERP's stock feeds every store).
 */
export async function channelsInScope(prisma: PrismaClient, scope: ResyncScope): Promise<ScopeConnection[]> {
  const select = { id: true, kind: true, paused: true } as const;
  if (scope.connectionId) {
    const named = await prisma.connection.findFirst({ where: { id: scope.connectionId, deletedAt: null }, select });
    if (named && named.kind !== 'erp') return [named];
  }
  return prisma.connection.findMany({
    where: { deletedAt: null, kind: { in: ['shopify', 'woocommerce'] } },
    select,
    orderBy: { id: 'asc' },
  });
}
