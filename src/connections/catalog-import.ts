// Catalog mapping: SKU is the join key. Import each channel's listings and the ERP's item list,
// and report blank SKUs, duplicate SKUs and SKUs missing on either side instead of guessing.
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorFactory } from './connector-factory.js';

export type CatalogImportOutcome =
  | { outcome: 'imported'; items: number; blank: number; duplicates: number; deleted: number }
  | { outcome: 'skipped'; reason: string };

const UPSERT_CHUNK = 500;

export function createCatalogImport(deps: { prisma: PrismaClient; factory: ConnectorFactory; log: Logger; clock?: () => Date }) {
  const { prisma } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function importChannel(connection: Prisma.ConnectionGetPayload<object>): Promise<CatalogImportOutcome> {
    const connector = deps.factory.channel(connection);
    const startedAt = clock();
    let cursor: string | null = null;
    let items = 0;
    do {
      const page = await connector.listCatalog(cursor);
      for (let i = 0; i < page.items.length; i += UPSERT_CHUNK) {
        const chunk = page.items.slice(i, i + UPSERT_CHUNK);
        await prisma.$transaction(
          chunk.map((item) =>
            prisma.listing.upsert({
              where: { connectionId_externalVariantId: { connectionId: connection.id, externalVariantId: item.externalVariantId } },
              create: {
                connectionId: connection.id,
                sku: item.sku.trim(),
                externalProductId: item.externalProductId,
                externalVariantId: item.externalVariantId,
                externalInventoryItemId: item.externalInventoryItemId ?? null,
                title: item.title,
                manageStock: item.manageStock,
                lastSeenAt: startedAt,
              },
              update: {
                sku: item.sku.trim(),
                externalProductId: item.externalProductId,
                externalInventoryItemId: item.externalInventoryItemId ?? null,
                title: item.title,
                manageStock: item.manageStock,
                lastSeenAt: startedAt,
                state: 'active',
              },
            }),
          ),
        );
      }
      items += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return { outcome: 'imported', items, ...(await classifyListings(prisma, connection.id, startedAt)) };
  }

  async function importErp(connection: Prisma.ConnectionGetPayload<object>): Promise<CatalogImportOutcome> {
    const connector = deps.factory.erp(connection);
    let cursor: string | null = null;
    let items = 0;
    do {
      const page = await connector.listStock(cursor);
      await prisma.$transaction(async (tx) => {
        for (const row of page.items) {
          await tx.sku.upsert({
            where: { sku: row.sku },
            create: { sku: row.sku, name: row.name ?? '', unitCost: row.unitCost ?? null },
            update: { ...(row.name ? { name: row.name } : {}), ...(row.unitCost ? { unitCost: row.unitCost } : {}) },
          });
          // Newer reports only: a page read during a burst of changes must not roll stock back.
          await tx.$executeRaw`
            insert into stock_snapshots (connection_id, sku, warehouse, on_hand, reserved, incoming, available, source_updated_at, fetched_at)
            values (${connection.id}::uuid, ${row.sku}, ${row.warehouse}, ${row.onHand}, ${row.reserved}, ${row.incoming}, ${row.available}, ${row.updatedAt}, now())
            on conflict (connection_id, sku, warehouse) do update set
              on_hand = excluded.on_hand, reserved = excluded.reserved, incoming = excluded.incoming,
              available = excluded.available, source_updated_at = excluded.source_updated_at, fetched_at = now()
            where stock_snapshots.source_updated_at <= excluded.source_updated_at`;
        }
      });
      items += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return { outcome: 'imported', items, blank: 0, duplicates: 0, deleted: 0 };
  }

  return {
    async run(connectionId: string): Promise<CatalogImportOutcome> {
      const connection = await prisma.connection.findFirst({ where: { id: connectionId, deletedAt: null } });
      if (!connection) return { outcome: 'skipped', reason: 'connection not found' };
      const outcome = connection.kind === 'erp' ? await importErp(connection) : await importChannel(connection);
      deps.log.info({ connectionId, ...outcome }, 'catalog imported');
      await prisma.auditEntry.create({
        data: {
          actor: 'worker',
          action: 'catalog.imported',
          entityType: 'connection',
          entityId: connectionId,
          connectionId,
          after: outcome,
        },
      });
      return outcome;
    },
  };
}

export type CatalogImport = ReturnType<typeof createCatalogImport>;

/** Marks listings gone from the platform, blank SKUs, and SKUs used by more than one item. */
async function classifyListings(prisma: PrismaClient, connectionId: string, seenSince: Date) {
  const deleted = await prisma.listing.updateMany({
    where: { connectionId, lastSeenAt: { lt: seenSince }, state: { not: 'deleted' } },
    data: { state: 'deleted' },
  });
  const blank = await prisma.listing.updateMany({
    where: { connectionId, sku: '', state: { not: 'deleted' } },
    data: { state: 'blank_sku' },
  });
  const duplicates = await prisma.$executeRaw`
    update listings set state = 'duplicate_sku'
    where connection_id = ${connectionId}::uuid and state <> 'deleted' and sku <> '' and sku in (
      select sku from listings where connection_id = ${connectionId}::uuid and state <> 'deleted' and sku <> ''
      group by sku having count(*) > 1)`;
  return { deleted: deleted.count, blank: blank.count, duplicates };
}

/** Catalog health for one connection: counts plus a filterable, paged table. */
export async function catalogHealth(
  prisma: PrismaClient,
  input: {
    connectionId: string;
    problem?: 'blank_sku' | 'duplicate_sku' | 'deleted' | 'unmapped' | 'missing';
    limit: number;
    offset: number;
  },
) {
  const { connectionId } = input;
  const [counts] = await prisma.$queryRaw<
    { total: bigint; active: bigint; blank: bigint; duplicate: bigint; deleted: bigint; unmapped: bigint; missing: bigint }[]
  >`
    select
      (select count(*) from listings where connection_id = ${connectionId}::uuid) as total,
      (select count(*) from listings where connection_id = ${connectionId}::uuid and state = 'active') as active,
      (select count(*) from listings where connection_id = ${connectionId}::uuid and state = 'blank_sku') as blank,
      (select count(*) from listings where connection_id = ${connectionId}::uuid and state = 'duplicate_sku') as duplicate,
      (select count(*) from listings where connection_id = ${connectionId}::uuid and state = 'deleted') as deleted,
      (select count(*) from listings l where l.connection_id = ${connectionId}::uuid and l.state = 'active'
         and not exists (select 1 from skus s where s.sku = l.sku)) as unmapped,
      (select count(*) from skus s where not s.is_bundle and not exists
         (select 1 from listings l where l.connection_id = ${connectionId}::uuid and l.sku = s.sku and l.state <> 'deleted')) as missing`;
  const rows =
    input.problem === 'missing'
      ? await prisma.$queryRaw<{ sku: string; title: string; state: string }[]>`
          select s.sku, s.name as title, 'missing' as state from skus s where not s.is_bundle and not exists
            (select 1 from listings l where l.connection_id = ${connectionId}::uuid and l.sku = s.sku and l.state <> 'deleted')
          order by s.sku limit ${input.limit} offset ${input.offset}`
      : await prisma.$queryRaw<{ sku: string; title: string; state: string; external_variant_id: string }[]>`
          select l.sku, l.title, case when ${input.problem ?? ''} = 'unmapped' then 'unmapped' else l.state end as state, l.external_variant_id
          from listings l where l.connection_id = ${connectionId}::uuid and (
            (${input.problem ?? ''} = '' and l.state <> 'active') or
            (${input.problem ?? ''} = 'unmapped' and l.state = 'active' and not exists (select 1 from skus s where s.sku = l.sku)) or
            (l.state = ${input.problem ?? ''}))
          order by l.sku, l.external_variant_id limit ${input.limit} offset ${input.offset}`;
  const toNumber = (value: bigint | undefined) => Number(value ?? 0n);
  return {
    counts: {
      listings: toNumber(counts?.total),
      active: toNumber(counts?.active),
      blankSku: toNumber(counts?.blank),
      duplicateSku: toNumber(counts?.duplicate),
      deleted: toNumber(counts?.deleted),
      unmapped: toNumber(counts?.unmapped),
      missing: toNumber(counts?.missing),
    },
    rows: rows.map((row) => ({
      sku: row.sku,
      title: row.title,
      problem: row.state,
      externalVariantId: 'external_variant_id' in row ? row.external_variant_id : null,
    })),
  };
}
