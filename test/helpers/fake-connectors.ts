// In-memory ChannelConnector and ErpConnector that keep the contract (src/connectors/contract.ts):
// compare-and-set writes, per-item results, idempotent ERP posts. For engine tests that need a
// connector but not a platform; the e2e suite uses the simulators instead.
import type {
  CatalogItem,
  ChangedSince,
  ChannelConnector,
  ChannelLevel,
  ConnectionTestOutcome,
  ErpConnector,
  ErpMovement,
  ErpMovementResult,
  ErpStockRow,
  LevelWrite,
  LevelWriteResult,
  Page,
  WebhookRegistration,
} from '../../src/connectors/contract.js';

export type FakeChannel = ChannelConnector & {
  items: CatalogItem[];
  /** Quantity per `${externalVariantId}@${externalLocationId}`. */
  levels: Map<string, number>;
  writes: { batch: LevelWrite[]; idempotencyKey: string }[];
  /** Called after each accepted write: lets a test deliver the platform's echo webhook. */
  onWritten?: (write: LevelWrite) => void | Promise<void>;
  /** Errors thrown by the next writeLevels calls, in order. */
  failures: Error[];
};

export function createFakeChannel(
  options: { kind?: 'shopify' | 'woocommerce'; maxBatchSize?: number; locations?: string[] } = {},
): FakeChannel {
  const locations = options.locations ?? ['default'];
  const channel: FakeChannel = {
    kind: options.kind ?? 'woocommerce',
    maxBatchSize: options.maxBatchSize ?? 100,
    items: [],
    levels: new Map(),
    writes: [],
    failures: [],
    async testConnection(): Promise<ConnectionTestOutcome> {
      return { outcome: 'ok', detail: 'fake channel', locations: locations.map((id) => ({ externalLocationId: id, name: id })) };
    },
    async listLocations() {
      return locations.map((id) => ({ externalLocationId: id, name: id }));
    },
    async listCatalog(cursor): Promise<Page<CatalogItem>> {
      return cursor === null ? { items: [...channel.items], nextCursor: null } : { items: [], nextCursor: null };
    },
    async readLevels(wanted) {
      const variants = new Set(wanted.map((item) => item.externalVariantId));
      return levelsOf(channel).filter((level) => variants.has(level.externalVariantId));
    },
    async *readAllLevels() {
      yield levelsOf(channel);
    },
    async writeLevels(batch, { idempotencyKey }): Promise<LevelWriteResult[]> {
      const failure = channel.failures.shift();
      if (failure) throw failure;
      channel.writes.push({ batch, idempotencyKey });
      const results: LevelWriteResult[] = [];
      for (const write of batch) results.push(await applyWrite(channel, write));
      return results;
    },
    async registerWebhooks(callbackUrl): Promise<WebhookRegistration[]> {
      return [{ id: 'fake-1', topic: 'all', address: callbackUrl }];
    },
    async unregisterWebhooks() {},
    async listChangedSince(): Promise<ChangedSince> {
      return { events: [], nextCursor: null };
    },
  };
  return channel;
}

async function applyWrite(channel: FakeChannel, write: LevelWrite): Promise<LevelWriteResult> {
  const base = { sku: write.sku, externalLocationId: write.externalLocationId };
  const key = `${write.externalVariantId}@${write.externalLocationId}`;
  if (!channel.items.some((item) => item.externalVariantId === write.externalVariantId)) return { ...base, outcome: 'not_found' };
  const current = channel.levels.get(key) ?? null;
  if (write.expectedCurrent !== null && current !== write.expectedCurrent) return { ...base, outcome: 'stale', actual: current };
  channel.levels.set(key, write.quantity);
  await channel.onWritten?.(write);
  return { ...base, outcome: 'written', quantity: write.quantity };
}

function levelsOf(channel: FakeChannel): ChannelLevel[] {
  const levels: ChannelLevel[] = [];
  for (const [key, available] of channel.levels) {
    const [variantId, locationId] = key.split('@') as [string, string];
    const item = channel.items.find((candidate) => candidate.externalVariantId === variantId);
    if (!item) continue;
    levels.push({
      sku: item.sku,
      externalVariantId: variantId,
      ...(item.externalInventoryItemId ? { externalInventoryItemId: item.externalInventoryItemId } : {}),
      externalLocationId: locationId,
      available,
    });
  }
  return levels;
}

export type FakeErp = ErpConnector & {
  /** Stock per `${sku}@${warehouse}`. */
  stock: Map<string, ErpStockRow>;
  /** Every post that reached the ERP, duplicates included. */
  posts: { movement: ErpMovement; idempotencyKey: string; outcome: 'posted' | 'duplicate' }[];
  /** Errors thrown by the next postMovement calls, in order. */
  failures: Error[];
  setStock(row: Omit<ErpStockRow, 'available' | 'updatedAt'> & { available?: number; updatedAt?: Date }): ErpStockRow;
};

export function createFakeErp(options: { warehouses?: string[]; clock?: () => Date } = {}): FakeErp {
  const clock = options.clock ?? (() => new Date());
  const applied = new Map<string, { body: string; result: ErpMovementResult }>();
  let sequence = 0;
  const erp: FakeErp = {
    kind: 'generic-rest',
    stock: new Map(),
    posts: [],
    failures: [],
    setStock(row) {
      const full: ErpStockRow = { ...row, available: row.available ?? row.onHand - row.reserved, updatedAt: row.updatedAt ?? clock() };
      erp.stock.set(`${row.sku}@${row.warehouse}`, full);
      return full;
    },
    async testConnection() {
      return { outcome: 'ok', detail: 'fake erp', warehouses: options.warehouses ?? ['WH1'] };
    },
    async listWarehouses() {
      return options.warehouses ?? ['WH1'];
    },
    async listStock(cursor) {
      return cursor === null ? { items: [...erp.stock.values()], nextCursor: null } : { items: [], nextCursor: null };
    },
    async listChangedStock(since) {
      return { items: [...erp.stock.values()].filter((row) => row.updatedAt >= since), nextCursor: null };
    },
    async readStock(skus) {
      return [...erp.stock.values()].filter((row) => skus.includes(row.sku));
    },
    async postMovement(movement, idempotencyKey) {
      const failure = erp.failures.shift();
      if (failure) throw failure;
      const body = JSON.stringify(movement);
      const previous = applied.get(idempotencyKey);
      if (previous) {
        if (previous.body !== body) throw new Error(`idempotency_conflict for ${idempotencyKey}`);
        erp.posts.push({ movement, idempotencyKey, outcome: 'duplicate' });
        return { ...previous.result, outcome: 'duplicate' };
      }
      const key = `${movement.sku}@${movement.warehouse}`;
      const row = erp.stock.get(key) ?? {
        sku: movement.sku,
        warehouse: movement.warehouse,
        onHand: 0,
        reserved: 0,
        incoming: 0,
        available: 0,
        updatedAt: clock(),
      };
      const next = { ...row, onHand: row.onHand + movement.quantity, available: row.available + movement.quantity, updatedAt: clock() };
      erp.stock.set(key, next);
      const result: ErpMovementResult = { outcome: 'posted', erpReference: `ERP-${++sequence}`, resultingOnHand: next.onHand };
      applied.set(idempotencyKey, { body, result });
      erp.posts.push({ movement, idempotencyKey, outcome: 'posted' });
      return result;
    },
  };
  return erp;
}
