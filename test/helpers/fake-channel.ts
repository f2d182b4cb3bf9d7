// An in-memory store channel for push-side tests: levels per (item, location), compare-and-set like
// Shopify's changeFromQuantity, not_found for unknown items, and scripted failures (whole-call
// throws, per-item failures, a gate that holds writes). Records every call it receives.

import { randomUUID } from 'node:crypto';
import type { Services } from '../../src/app/services.js';
import type { StoredConnection } from '../../src/connections/connector-factory.js';
import type {
  ChangedSince,
  ChannelConnector,
  ChannelLevel,
  ConnectionTestOutcome,
  ErpConnector,
  LevelWrite,
  LevelWriteResult,
} from '../../src/connectors/contract.js';
import type { PrismaClient } from '../../src/db/client.js';
import { createWorkerRedis } from '../../src/queue/redis.js';
import { createChannelPusher } from '../../src/sync/push-channel.js';
import { createPushEnqueuer, createSchedulePush } from '../../src/sync/schedule-push.js';
import { createExhaustedHook } from '../../workers/dead-letter.js';
import { pushChannelHandler } from '../../workers/push-channel.js';
import { type JobHandlers, startWorkers } from '../../workers/runtime.js';

export type WriteCall = { batch: LevelWrite[]; idempotencyKey: string };

export type FakeChannel = ChannelConnector & {
  levels: Map<string, number>;
  writes: WriteCall[];
  reads: number;
  /** Errors thrown by the next writeLevels calls, in order. */
  throwOnWrite: unknown[];
  /** Errors thrown by the next readLevels calls, in order. */
  throwOnRead: unknown[];
  /** Per-item failures by SKU: returned instead of writing (consumed when `once`). */
  itemFailures: Map<string, { code: string; message: string; retryable: boolean; once?: boolean }>;
  /** While set, writeLevels waits for it before answering. */
  gate: Promise<void> | null;
  changes: ChangedSince['events'];
  setLevel(item: string, location: string, quantity: number): void;
  level(item: string, location: string): number | undefined;
};

export function levelId(item: string, location: string): string {
  return `${item}@${location}`;
}

export function createFakeChannel(options: { kind?: 'shopify' | 'woocommerce'; maxBatchSize?: number } = {}): FakeChannel {
  const fake: FakeChannel = {
    kind: options.kind ?? 'shopify',
    maxBatchSize: options.maxBatchSize ?? 250,
    levels: new Map(),
    writes: [],
    reads: 0,
    throwOnWrite: [],
    throwOnRead: [],
    itemFailures: new Map(),
    gate: null,
    changes: [],
    setLevel(item, location, quantity) {
      fake.levels.set(levelId(item, location), quantity);
    },
    level(item, location) {
      return fake.levels.get(levelId(item, location));
    },
    async testConnection(): Promise<ConnectionTestOutcome> {
      return { outcome: 'ok', detail: 'fake' };
    },
    async listLocations() {
      return [{ externalLocationId: 'loc-1', name: 'Main' }];
    },
    async listCatalog() {
      return { items: [], nextCursor: null };
    },
    async readLevels(items) {
      fake.reads += 1;
      const error = fake.throwOnRead.shift();
      if (error !== undefined) throw error;
      const found: ChannelLevel[] = [];
      for (const item of items) {
        const itemId = item.externalInventoryItemId ?? item.externalVariantId;
        for (const [key, available] of fake.levels) {
          const [id, location] = key.split('@') as [string, string];
          if (id !== itemId) continue;
          found.push({
            sku: item.sku,
            externalVariantId: item.externalVariantId,
            externalLocationId: location,
            available,
            ...(item.externalInventoryItemId ? { externalInventoryItemId: item.externalInventoryItemId } : {}),
          });
        }
      }
      return found;
    },
    async *readAllLevels() {
      yield [];
    },
    async writeLevels(batch, { idempotencyKey }) {
      fake.writes.push({ batch: batch.map((write) => ({ ...write })), idempotencyKey });
      if (fake.gate) await fake.gate;
      const error = fake.throwOnWrite.shift();
      if (error !== undefined) throw error;
      if (batch.length > fake.maxBatchSize) throw new Error(`batch of ${batch.length} exceeds ${fake.maxBatchSize}`);
      return batch.map((write) => writeOne(fake, write));
    },
    async registerWebhooks() {
      return [];
    },
    async unregisterWebhooks() {},
    async listChangedSince(since) {
      return { events: fake.changes.filter((event) => event.modifiedAt > since), nextCursor: null };
    },
  };
  return fake;
}

function writeOne(fake: FakeChannel, write: LevelWrite): LevelWriteResult {
  const base = { sku: write.sku, externalLocationId: write.externalLocationId };
  const failure = fake.itemFailures.get(write.sku);
  if (failure) {
    if (failure.once) fake.itemFailures.delete(write.sku);
    return { ...base, outcome: 'failed', error: { code: failure.code, message: failure.message, retryable: failure.retryable } };
  }
  const key = levelId(write.externalInventoryItemId ?? write.externalVariantId, write.externalLocationId);
  const current = fake.levels.get(key);
  if (current === undefined) return { ...base, outcome: 'not_found' };
  if (write.expectedCurrent !== null && write.expectedCurrent !== current) return { ...base, outcome: 'stale', actual: current };
  fake.levels.set(key, write.quantity);
  return { ...base, outcome: 'written', quantity: write.quantity };
}

// ---- seeding and worker wiring shared by the push-side tests ----------------------------------

export async function seedConnection(
  prisma: PrismaClient,
  options: { kind?: 'shopify' | 'woocommerce' | 'erp'; paused?: boolean; name?: string } = {},
): Promise<string> {
  const row = await prisma.connection.create({
    data: {
      kind: options.kind ?? 'shopify',
      name: options.name ?? `fake ${randomUUID().slice(0, 8)}`,
      credentials: new Uint8Array([1, 2, 3]),
      credentialsKeyId: 'test',
      paused: options.paused ?? false,
      ...(options.kind === 'erp' ? { erpType: 'generic-rest' } : {}),
    },
  });
  return row.id;
}

export type SeedItem = {
  sku: string;
  target: number | null;
  lastSeen: number | null;
  level?: number;
  location?: string;
  status?: 'pending' | 'in_sync';
};

/** A listing, a sync state and (unless `level` is omitted and lastSeen is null) the channel's level. */
export async function seedItems(prisma: PrismaClient, connectionId: string, fake: FakeChannel, items: SeedItem[]): Promise<void> {
  for (const item of items) {
    const location = item.location ?? 'loc-1';
    await prisma.listing.upsert({
      where: { connectionId_externalVariantId: { connectionId, externalVariantId: `v-${item.sku}` } },
      create: {
        connectionId,
        sku: item.sku,
        externalProductId: `p-${item.sku}`,
        externalVariantId: `v-${item.sku}`,
        externalInventoryItemId: `i-${item.sku}`,
      },
      update: {},
    });
    await prisma.syncState.create({
      data: {
        sku: item.sku,
        connectionId,
        externalLocationId: location,
        target: item.target,
        lastSeen: item.lastSeen,
        status: item.status ?? 'in_sync',
      },
    });
    const level = item.level ?? item.lastSeen;
    if (level !== null && level !== undefined) fake.setLevel(`i-${item.sku}`, location, level);
  }
}

export async function setTarget(
  prisma: PrismaClient,
  connectionId: string,
  sku: string,
  target: number,
  location = 'loc-1',
): Promise<void> {
  await prisma.syncState.update({
    where: { sku_connectionId_externalLocationId: { sku, connectionId, externalLocationId: location } },
    data: { target },
  });
}

/** Fakes by connection id, as a ConnectorFactory. */
export function fakeFactory(channels: Map<string, FakeChannel>, erps: Map<string, ErpConnector> = new Map()) {
  return {
    channel(connection: StoredConnection) {
      const fake = channels.get(connection.id);
      if (!fake) throw new Error(`no fake channel for ${connection.id}`);
      return fake;
    },
    erp(connection: StoredConnection) {
      const fake = erps.get(connection.id);
      if (!fake) throw new Error(`no fake ERP for ${connection.id}`);
      return fake;
    },
  };
}

/** Real BullMQ workers on the test's queue prefix running the push job (and any extra handlers). */
export function startPushWorkers(
  services: Services,
  options: { channels: Map<string, FakeChannel>; coalesceMs: number; handlers?: JobHandlers },
) {
  const enqueuePush = createPushEnqueuer({ queues: services.queues, coalesceMs: options.coalesceMs });
  const schedulePush = createSchedulePush({ prisma: services.prisma, queues: services.queues, coalesceMs: options.coalesceMs });
  const pusher = createChannelPusher({
    prisma: services.prisma,
    connectors: fakeFactory(options.channels),
    enqueuePush,
    metrics: services.metrics,
    log: services.log,
  });
  const connection = createWorkerRedis(services.config.redis, 'test-worker');
  const runtime = startWorkers({
    connection,
    prefix: services.config.queuePrefix,
    handlers: { 'channel.push': pushChannelHandler(pusher), ...options.handlers },
    concurrency: { pushes: 4, events: 2, maintenance: 1 },
    log: services.log,
    metrics: services.metrics,
    onExhausted: createExhaustedHook(services.deadLetters),
  });
  return {
    schedulePush,
    enqueuePush,
    pusher,
    async close() {
      await runtime.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
