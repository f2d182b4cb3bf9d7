// Builders for sync-engine tests: connections, listings, mappings, ERP stock and inbox rows in a
// test database, and the engine wired to them with a test clock and a recording schedulePush.
import { randomUUID } from 'node:crypto';
import type { Services } from '../../src/app/services.js';
import type { PrismaClient } from '../../src/db/client.js';
import { createEventProcessor } from '../../src/sync/event-processor.js';
import { DEFAULT_SYNC_TIMING, type ErpConnectorFor, type SyncTiming } from '../../src/sync/ports.js';
import { createMovementPoster } from '../../src/sync/post-movement.js';
import { createSkuReconciler } from '../../src/sync/reconcile-sku.js';
import { createSkuLock } from '../../src/sync/sku-lock.js';
import { waitFor } from '../helpers/fixtures.js';

/** The services' Redis connection fails fast instead of queueing: wait until it is connected. */
export async function redisReady(services: Services): Promise<void> {
  await waitFor(async () => services.redis.status === 'ready', { what: 'redis connection' });
}

export type PushCall = { connectionId: string; sku: string; externalLocationId: string; correlationId: string };

export function testClock(start = new Date('2026-03-01T10:00:00.000Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(date: Date) {
      now = date.getTime();
    },
  };
}

export function buildEngine(
  services: Services,
  options: {
    clock?: () => Date;
    timing?: Partial<SyncTiming>;
    erpConnectorFor?: ErpConnectorFor;
    lockTtlMs?: number;
    prefix?: string;
  } = {},
) {
  const pushes: PushCall[] = [];
  const posts: { movementId: string; correlationId: string }[] = [];
  const clock = options.clock ?? (() => new Date());
  const lock = createSkuLock({
    redis: services.redis,
    prefix: options.prefix ?? `${services.config.queuePrefix}:locks`,
    ttlMs: options.lockTtlMs ?? 5_000,
    log: services.log,
  });
  const reconciler = createSkuReconciler({
    prisma: services.prisma,
    lock,
    schedulePush: async (request) => {
      pushes.push(request);
    },
    enqueueMovementPost: async (request) => {
      posts.push(request);
    },
    clock,
    log: services.log,
    timing: { ...DEFAULT_SYNC_TIMING, ...options.timing },
  });
  const processor = createEventProcessor({ prisma: services.prisma, reconciler, clock, log: services.log });
  const poster = createMovementPoster({
    prisma: services.prisma,
    reconciler,
    erpConnectorFor: options.erpConnectorFor ?? (async () => Promise.reject(new Error('no ERP connector in this test'))),
    clock,
    log: services.log,
  });
  return { lock, reconciler, processor, poster, pushes, posts };
}

export async function createConnection(
  prisma: PrismaClient,
  kind: 'shopify' | 'woocommerce' | 'erp',
  settings: Record<string, unknown> = {},
) {
  const defaults: Record<string, unknown> =
    kind === 'shopify'
      ? { shopDomain: `shop-${randomUUID().slice(0, 8)}.myshopify.com` }
      : kind === 'woocommerce'
        ? { siteUrl: `https://woo-${randomUUID().slice(0, 8)}.example.com` }
        : { erpType: 'generic-rest', baseUrl: 'https://erp.example.com', warehouses: ['WH1'] };
  return prisma.connection.create({
    data: {
      kind,
      name: `${kind} ${randomUUID().slice(0, 6)}`,
      ...(kind === 'erp' ? { erpType: 'generic-rest' } : {}),
      settings: { ...defaults, ...settings } as object,
      credentials: Buffer.from('not-a-secret'),
      credentialsKeyId: 'test',
    },
  });
}

export async function mapLocation(prisma: PrismaClient, connectionId: string, externalLocationId: string, warehouseCodes: string[]) {
  return prisma.locationMapping.upsert({
    where: { connectionId_externalLocationId: { connectionId, externalLocationId } },
    create: { connectionId, externalLocationId, warehouseCodes },
    update: { warehouseCodes },
  });
}

export async function addListing(
  prisma: PrismaClient,
  input: { connectionId: string; sku: string; variantId: string; inventoryItemId?: string; state?: string; manageStock?: boolean },
) {
  return prisma.listing.create({
    data: {
      connectionId: input.connectionId,
      sku: input.sku,
      externalProductId: `p-${input.variantId}`,
      externalVariantId: input.variantId,
      externalInventoryItemId: input.inventoryItemId ?? null,
      state: input.state ?? 'active',
      manageStock: input.manageStock ?? true,
    },
  });
}

export async function setErpStock(
  prisma: PrismaClient,
  input: { connectionId: string; sku: string; warehouse?: string; onHand: number; reserved?: number; incoming?: number; updatedAt?: Date },
) {
  const key = { connectionId: input.connectionId, sku: input.sku, warehouse: input.warehouse ?? 'WH1' };
  const data = {
    onHand: input.onHand,
    reserved: input.reserved ?? 0,
    incoming: input.incoming ?? 0,
    available: input.onHand - (input.reserved ?? 0),
    sourceUpdatedAt: input.updatedAt ?? new Date('2026-03-01T09:00:00.000Z'),
  };
  await prisma.sku.upsert({ where: { sku: input.sku }, create: { sku: input.sku }, update: {} });
  return prisma.stockSnapshot.upsert({ where: { connectionId_sku_warehouse: key }, create: { ...key, ...data }, update: data });
}

export async function insertEvent(
  prisma: PrismaClient,
  input: {
    connectionId: string;
    source: 'shopify' | 'woocommerce' | 'erp' | 'poll';
    topic: string;
    payload: string | object;
    receivedAt?: Date;
    triggeredAt?: Date;
  },
) {
  const payload = typeof input.payload === 'string' ? input.payload : JSON.stringify(input.payload);
  return prisma.inboxEvent.create({
    data: {
      connectionId: input.connectionId,
      source: input.source,
      topic: input.topic,
      dedupeKey: randomUUID(),
      payload,
      status: 'enqueued',
      correlationId: randomUUID(),
      ...(input.receivedAt ? { receivedAt: input.receivedAt } : {}),
      ...(input.triggeredAt ? { triggeredAt: input.triggeredAt } : {}),
    },
  });
}

export async function processEvent(engine: ReturnType<typeof buildEngine>, row: { id: string; correlationId: string }) {
  return engine.processor.process({ inboxEventId: row.id, correlationId: row.correlationId });
}

export async function syncState(prisma: PrismaClient, sku: string, connectionId: string, externalLocationId = 'default') {
  return prisma.syncState.findUnique({ where: { sku_connectionId_externalLocationId: { sku, connectionId, externalLocationId } } });
}

export async function heldTotal(prisma: PrismaClient, sku: string): Promise<number> {
  const rows = await prisma.movement.findMany({
    where: { sku, kind: { in: ['sale', 'release', 'adjustment'] } },
    select: { quantity: true },
  });
  return rows.reduce((sum, row) => sum + row.quantity, 0);
}

export type ChannelSpec = { kind: 'shopify' | 'woocommerce'; settings?: Record<string, unknown>; location?: string };

/**
 * An ERP with `onHand` of `sku` in WH1 and channels selling it, each with one location mapped to WH1
 * (Shopify: gid://shopify/Location/1; WooCommerce: default) and one listing (variant v-<index>).
 */
export async function setupCatalog(
  prisma: PrismaClient,
  input: { sku: string; onHand: number; channels: ChannelSpec[]; erpSettings?: Record<string, unknown> },
) {
  const erp = await createConnection(prisma, 'erp', input.erpSettings ?? {});
  await setErpStock(prisma, { connectionId: erp.id, sku: input.sku, onHand: input.onHand });
  const channels = [];
  for (const [index, spec] of input.channels.entries()) {
    const connection = await createConnection(prisma, spec.kind, spec.settings ?? {});
    const location = spec.location ?? (spec.kind === 'shopify' ? 'gid://shopify/Location/1' : 'default');
    await mapLocation(prisma, connection.id, location, ['WH1']);
    const variantId = spec.kind === 'shopify' ? `gid://shopify/ProductVariant/${100 + index}` : String(100 + index);
    const inventoryItemId = spec.kind === 'shopify' ? `gid://shopify/InventoryItem/${900 + index}` : undefined;
    await addListing(prisma, { connectionId: connection.id, sku: input.sku, variantId, ...(inventoryItemId ? { inventoryItemId } : {}) });
    channels.push({ connection, location, variantId, numericVariantId: String(100 + index), numericItemId: String(900 + index) });
  }
  return { erp, channels };
}

/** What the push side records after the channel accepted a write (push-states.ts recordWritten). */
export async function recordPushed(
  prisma: PrismaClient,
  key: { sku: string; connectionId: string; externalLocationId: string },
  quantity: number,
  at: Date,
) {
  await prisma.syncState.update({
    where: { sku_connectionId_externalLocationId: key },
    data: { lastPushed: quantity, lastPushedAt: at, lastSeen: quantity, lastSeenAt: at, status: 'in_sync' },
  });
}

export function shopifyOrder(input: {
  id: string;
  lines: { id: string; variantId: string; sku: string; quantity: number }[];
  createdAt?: string;
  cancelledAt?: string | null;
}) {
  return `{"id":${input.id},"created_at":"${input.createdAt ?? '2026-03-01T09:30:00Z'}","cancelled_at":${input.cancelledAt ? `"${input.cancelledAt}"` : 'null'},"location_id":null,"line_items":[${input.lines
    .map((line) => `{"id":${line.id},"variant_id":${line.variantId},"sku":"${line.sku}","quantity":${line.quantity}}`)
    .join(',')}]}`;
}
