// Platform ids → SKUs, through the listings the catalog import stored (SKU is the join key).
// Read outside any SKU lock: listings and bundle definitions change only by catalog import or
// configuration, and every decision made with them is re-checked under the lock.
import type { PrismaClient } from '../db/client.js';

export type ResolvedItem = { sku: string; state: string; externalVariantId: string };

/** The listing of a store item, by variant id (any of its id forms). */
export async function listingByVariant(prisma: PrismaClient, connectionId: string, variantIds: string[]): Promise<ResolvedItem | null> {
  if (variantIds.length === 0) return null;
  return prisma.listing.findFirst({
    where: { connectionId, externalVariantId: { in: variantIds } },
    select: { sku: true, state: true, externalVariantId: true },
  });
}

export async function listingByInventoryItem(prisma: PrismaClient, connectionId: string, itemIds: string[]): Promise<ResolvedItem | null> {
  return prisma.listing.findFirst({
    where: { connectionId, externalInventoryItemId: { in: itemIds } },
    orderBy: { externalVariantId: 'asc' },
    select: { sku: true, state: true, externalVariantId: true },
  });
}

/** The stored id of a mapped, active store location matching any of the given id forms. */
export async function mappedLocation(prisma: PrismaClient, connectionId: string, locationIds: string[]): Promise<string | null> {
  const row = await prisma.locationMapping.findFirst({
    where: { connectionId, active: true, externalLocationId: { in: locationIds } },
    select: { externalLocationId: true },
  });
  return row?.externalLocationId ?? null;
}

export type SkuPart = { sku: string; unitsPerItem: number };

/** A bundle sale moves its components; anything else moves itself. */
export async function partsOf(prisma: PrismaClient, sku: string): Promise<SkuPart[]> {
  const components = await prisma.bundleComponent.findMany({
    where: { bundleSku: sku },
    orderBy: { componentSku: 'asc' },
    select: { componentSku: true, quantity: true },
  });
  if (components.length === 0) return [{ sku, unitsPerItem: 1 }];
  return components.map((component) => ({ sku: component.componentSku, unitsPerItem: component.quantity }));
}

export async function bundlesUsing(prisma: PrismaClient, skus: string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await prisma.bundleComponent.findMany({
    where: { componentSku: { in: skus } },
    distinct: ['bundleSku'],
    select: { bundleSku: true },
  });
  return rows.map((row) => row.bundleSku).sort();
}

/** The SKU an order line sold: the listing's, else the SKU printed on the line. Blank → null. */
export async function skuOfLine(
  prisma: PrismaClient,
  connectionId: string,
  line: { variantIds: string[]; sku: string },
): Promise<{ sku: string; mismatch: string | null } | null> {
  const listing = await listingByVariant(prisma, connectionId, line.variantIds);
  if (listing && listing.sku !== '') {
    // The line's own SKU wins when both exist and differ (the store changed it since the import),
    // and the difference is reported rather than resolved silently.
    const mismatch = line.sku !== '' && line.sku !== listing.sku ? listing.sku : null;
    return { sku: mismatch ? line.sku : listing.sku, mismatch };
  }
  return line.sku === '' ? null : { sku: line.sku, mismatch: null };
}

/** A stable key for the store in movement keys: the shop domain or site host, else the connection id. */
export function storeKeyOf(kind: string, settings: unknown, connectionId: string): string {
  const values = (settings ?? {}) as { shopDomain?: unknown; siteUrl?: unknown };
  if (kind === 'shopify' && typeof values.shopDomain === 'string') return values.shopDomain.toLowerCase();
  if (kind === 'woocommerce' && typeof values.siteUrl === 'string') {
    try {
      const url = new URL(values.siteUrl);
      return `${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return connectionId;
    }
  }
  return connectionId;
}
