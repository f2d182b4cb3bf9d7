// Test doubles for reconciliation: an ERP that pages its stock by cursor and a channel that streams
// its levels page by page, both in memory and both counting calls; plus seeding of connections,
// location mappings, listings, SKUs and movements straight into the test database.
import { randomUUID } from 'node:crypto';
import type { ChannelLevel, ErpConnector, ErpStockRow } from '../../src/connectors/contract.js';
import type { PrismaClient } from '../../src/db/client.js';
import { createFakeChannel, type FakeChannel } from '../helpers/fake-channel.js';
import type { ServicesFixture } from '../helpers/fixtures.js';

export type StockSeed = {
  sku: string;
  warehouse?: string;
  onHand: number;
  reserved?: number;
  incoming?: number;
  unitCost?: string;
  updatedAt?: Date;
};

export type FakeErp = ErpConnector & {
  rows: ErpStockRow[];
  calls: { listStock: number; readStock: number };
  /** Called before each page is answered (page index from 0): throw or wait to interrupt a run. */
  beforePage: ((page: number) => Promise<void>) | null;
};

export function createFakeErp(seeds: StockSeed[], pageSize = 2): FakeErp {
  const toRow = (seed: StockSeed): ErpStockRow => {
    const reserved = seed.reserved ?? 0;
    return {
      sku: seed.sku,
      warehouse: seed.warehouse ?? 'WH1',
      onHand: seed.onHand,
      reserved,
      incoming: seed.incoming ?? 0,
      available: seed.onHand - reserved,
      ...(seed.unitCost ? { unitCost: seed.unitCost } : {}),
      updatedAt: seed.updatedAt ?? new Date('2026-01-01T00:00:00.000Z'),
    };
  };
  const erp: FakeErp = {
    kind: 'generic-rest',
    rows: seeds.map(toRow),
    calls: { listStock: 0, readStock: 0 },
    beforePage: null,
    async testConnection() {
      return { outcome: 'ok', detail: 'fake erp' };
    },
    async listWarehouses() {
      return [...new Set(erp.rows.map((row) => row.warehouse))];
    },
    async listStock(cursor) {
      const start = cursor ? Number(cursor) : 0;
      await erp.beforePage?.(start / pageSize);
      erp.calls.listStock += 1;
      const items = erp.rows.slice(start, start + pageSize);
      const next = start + pageSize;
      return { items, nextCursor: next < erp.rows.length ? String(next) : null };
    },
    async listChangedStock() {
      return { items: [], nextCursor: null };
    },
    async readStock(skus) {
      erp.calls.readStock += 1;
      return erp.rows.filter((row) => skus.includes(row.sku));
    },
    async postMovement(movement) {
      return { outcome: 'posted', erpReference: `fake-${movement.reference}` };
    },
  };
  return erp;
}

export type LevelSeed = { sku: string; available: number | null; location?: string; variant?: string };

export type StreamingChannel = FakeChannel & {
  /** Called before each streamed page (from 0): throw or wait to interrupt a run. */
  beforePage: ((page: number) => Promise<void>) | null;
  pagesStreamed: number;
  /** Levels reported with `available: null` (untracked), by item@location. */
  untracked: Set<string>;
};

/** A fake channel (levels keyed i-<sku>@<location>, like seedItems) that streams every level. */
export function createStreamingChannel(kind: 'shopify' | 'woocommerce', seeds: LevelSeed[], pageSize = 2): StreamingChannel {
  const skuOfItem = new Map<string, string>();
  const channel = Object.assign(createFakeChannel({ kind }), {
    beforePage: null,
    pagesStreamed: 0,
    untracked: new Set<string>(),
  }) as StreamingChannel;
  for (const seed of seeds) {
    const item = seed.variant ? `i-${seed.variant}` : `i-${seed.sku}`;
    skuOfItem.set(item, seed.sku);
    const location = seed.location ?? 'loc-1';
    if (seed.available === null) channel.untracked.add(`${item}@${location}`);
    channel.setLevel(item, location, seed.available ?? 0);
  }
  channel.readAllLevels = async function* () {
    const all: ChannelLevel[] = [...channel.levels.entries()].map(([key, available]) => {
      const [item, location] = key.split('@') as [string, string];
      const sku = skuOfItem.get(item) ?? item.slice(2);
      return {
        sku,
        externalVariantId: `v-${item.slice(2)}`,
        externalInventoryItemId: item,
        externalLocationId: location,
        available: channel.untracked.has(key) ? null : available,
      };
    });
    for (let start = 0, page = 0; start < all.length; start += pageSize, page += 1) {
      await channel.beforePage?.(page);
      channel.pagesStreamed += 1;
      yield all.slice(start, start + pageSize);
    }
  };
  return channel;
}

export async function seedConnectionRow(
  prisma: PrismaClient,
  input: {
    kind: 'shopify' | 'woocommerce' | 'erp';
    name?: string;
    settings?: Record<string, unknown>;
    locations?: { id: string; warehouses: string[] }[];
  },
): Promise<string> {
  const row = await prisma.connection.create({
    data: {
      kind: input.kind,
      name: input.name ?? `${input.kind} ${randomUUID().slice(0, 6)}`,
      credentials: new Uint8Array([1, 2, 3]),
      credentialsKeyId: 'test',
      settings: (input.settings ?? {}) as object,
      ...(input.kind === 'erp' ? { erpType: 'generic-rest' } : {}),
    },
  });
  for (const location of input.locations ?? []) {
    await prisma.locationMapping.create({
      data: { connectionId: row.id, externalLocationId: location.id, warehouseCodes: location.warehouses },
    });
  }
  return row.id;
}

/** Active listings on a channel, ids as the streaming channel reports them (v-/i-<sku>). */
export async function seedListings(prisma: PrismaClient, connectionId: string, skus: string[]): Promise<void> {
  await prisma.listing.createMany({
    data: skus.map((sku) => ({
      connectionId,
      sku,
      externalProductId: `p-${sku}`,
      externalVariantId: `v-${sku}`,
      externalInventoryItemId: `i-${sku}`,
    })),
  });
}

export async function seedSkus(prisma: PrismaClient, skus: { sku: string; unitCost?: string }[]): Promise<void> {
  await prisma.sku.createMany({ data: skus.map((row) => ({ sku: row.sku, unitCost: row.unitCost ?? null })) });
}

/** An unreflected movement (a sale is negative) on a channel. */
export async function seedMovement(
  prisma: PrismaClient,
  input: { sku: string; connectionId: string; quantity: number; warehouse?: string | null; status?: 'pending' | 'posted' | 'reflected' },
): Promise<void> {
  await prisma.movement.create({
    data: {
      idempotencyKey: randomUUID(),
      sku: input.sku,
      connectionId: input.connectionId,
      kind: input.quantity < 0 ? 'sale' : 'release',
      quantity: input.quantity,
      status: input.status ?? 'pending',
      sourceRef: `order:${randomUUID().slice(0, 8)}`,
      occurredAt: new Date(),
      warehouse: input.warehouse === undefined ? 'WH1' : input.warehouse,
    },
  });
}

/** Empties the tables a run reads and writes (tests in one file share a database). */
export async function resetData(prisma: PrismaClient): Promise<void> {
  await prisma.$executeRawUnsafe(
    'truncate connections, skus, movements, reconciliation_runs, reconciliation_erp_rows, reconciliation_channel_rows, audit_entries cascade',
  );
}

export type Setup = {
  erpId: string;
  shopId: string;
  wooId: string;
  erp: ReturnType<typeof createFakeErp>;
  shop: StreamingChannel;
  woo: StreamingChannel;
};

/**
 * ERP (WH1): A 10 @19.99, B 5 @2.50, C 7, D 4 @3.00, E 6 (catalog cost 4.25, one unreflected sale of 2), F 3.
 * Shopify loc-1 (WH1): A 13 (high), B 2 (low), C 7, D listed but absent (missing), E 4 (= 6 − 2), F untracked, X 5 (not in ERP).
 * WooCommerce default (all warehouses, buffer 1): A 9 (= 10 − 1).
 */
export async function seedCatalog(services: ServicesFixture): Promise<Setup> {
  const { prisma } = services;
  const erpId = await seedConnectionRow(prisma, { kind: 'erp', name: 'ERP' });
  const shopId = await seedConnectionRow(prisma, { kind: 'shopify', name: 'Shop', locations: [{ id: 'loc-1', warehouses: ['WH1'] }] });
  const wooId = await seedConnectionRow(prisma, {
    kind: 'woocommerce',
    name: 'Woo',
    settings: { bufferQuantity: 1 },
    locations: [{ id: 'default', warehouses: [] }],
  });
  await seedSkus(prisma, [{ sku: 'E', unitCost: '4.25' }, { sku: 'C' }]);
  await seedListings(prisma, shopId, ['A', 'B', 'C', 'D', 'E', 'F']);
  await seedListings(prisma, wooId, ['A']);
  await seedMovement(prisma, { sku: 'E', connectionId: shopId, quantity: -2 });
  await seedMovement(prisma, { sku: 'C', connectionId: shopId, quantity: -5, status: 'reflected' });
  return { erpId, shopId, wooId, ...catalogDoubles() };
}

export function factoryMaps(setup: Setup) {
  return {
    channels: new Map<string, FakeChannel>([
      [setup.shopId, setup.shop],
      [setup.wooId, setup.woo],
    ]),
    erps: new Map<string, ErpConnector>([[setup.erpId, setup.erp]]),
  };
}

/** Fresh doubles holding seedCatalog's ERP stock and channel levels (each counts its own calls). */
export function catalogDoubles() {
  const erp = createFakeErp([
    { sku: 'A', onHand: 10, unitCost: '19.99' },
    { sku: 'B', onHand: 6, reserved: 1, unitCost: '2.50' },
    { sku: 'C', onHand: 7 },
    { sku: 'D', onHand: 4, unitCost: '3.00' },
    { sku: 'E', onHand: 6 },
    { sku: 'F', onHand: 3 },
  ]);
  const shop = createStreamingChannel('shopify', [
    { sku: 'A', available: 13 },
    { sku: 'B', available: 2 },
    { sku: 'C', available: 7 },
    { sku: 'E', available: 4 },
    { sku: 'F', available: null },
    { sku: 'X', available: 5 },
    { sku: 'A', available: 99, location: 'unmapped-loc' },
  ]);
  const woo = createStreamingChannel('woocommerce', [{ sku: 'A', available: 9, location: 'default' }]);
  return { erp, shop, woo };
}
