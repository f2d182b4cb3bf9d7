// The Shopify connector's contract, written once and run against two backends: nock fixtures
// (documented response shapes) and the simulator. If either drifts from the other, one run fails.
// Every scenario starts from the same store: two locations and three variants (see CATALOG).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelConnector, ChannelLevel, LevelWrite } from '../../../src/connectors/contract.js';
import { legacyIdOf } from '../../../src/connectors/shopify/map.js';

export const CATALOG = {
  locations: [{ name: 'Warehouse' }, { name: 'Shop floor' }],
  products: [
    { title: 'Mug', variants: [{ sku: 'MUG-1', levels: { Warehouse: 5, 'Shop floor': 2 } }] },
    {
      title: 'Tee',
      variants: [
        { sku: 'TEE-S', title: 'Small', levels: { Warehouse: 3 } },
        { sku: 'TEE-M', title: 'Medium', levels: { Warehouse: 4 } },
      ],
    },
  ],
};

export type Scenario = 'connection' | 'catalog' | 'read' | 'write' | 'stale' | 'partial' | 'webhooks' | 'orders';

export type ContractBackend = {
  name: string;
  start(): Promise<void>;
  /** A connector (page size 2) on a store holding CATALOG, prepared for `scenario`. */
  arrange(scenario: Scenario): Promise<ChannelConnector>;
  /** After each test: nock asserts every fixture was used. */
  verify(): void;
  stop(): Promise<void>;
};

const GID = (type: string) => new RegExp(`^gid://shopify/${type}/\\d+$`);

async function catalogOf(connector: ChannelConnector) {
  const first = await connector.listCatalog(null);
  const second = first.nextCursor ? await connector.listCatalog(first.nextCursor) : { items: [], nextCursor: null };
  return { first, second, items: [...first.items, ...second.items] };
}

async function locationId(connector: ChannelConnector, name: string): Promise<string> {
  const found = (await connector.listLocations()).find((location) => location.name === name);
  if (!found) throw new Error(`no location ${name}`);
  return found.externalLocationId;
}

function write(level: ChannelLevel, quantity: number, expectedCurrent: number | null): LevelWrite {
  return {
    sku: level.sku,
    externalVariantId: level.externalVariantId,
    externalProductId: '',
    externalInventoryItemId: level.externalInventoryItemId,
    externalLocationId: level.externalLocationId,
    quantity,
    expectedCurrent,
    reference: 'push-42',
  };
}

async function mugAtWarehouse(connector: ChannelConnector) {
  const { items } = await catalogOf(connector);
  const warehouse = await locationId(connector, 'Warehouse');
  const mug = items.find((item) => item.sku === 'MUG-1');
  if (!mug) throw new Error('no MUG-1');
  const level = (await connector.readLevels([mug])).find((entry) => entry.externalLocationId === warehouse);
  if (!level) throw new Error('no MUG-1 level at Warehouse');
  return { mug, level };
}

export function describeShopifyContract(backend: ContractBackend) {
  describe(`Shopify connector contract (${backend.name})`, () => {
    beforeAll(() => backend.start());
    afterEach(() => backend.verify());
    afterAll(() => backend.stop());

    it('a connection test names the shop and lists its locations', async () => {
      const connector = await backend.arrange('connection');
      const outcome = await connector.testConnection();
      expect(outcome.outcome).toBe('ok');
      expect(outcome.outcome === 'ok' && outcome.locations?.map((l) => l.name)).toEqual(['Warehouse', 'Shop floor']);
    });

    it('the catalog pages by cursor and keeps ids above 2^53 exact, as gid strings', async () => {
      const connector = await backend.arrange('catalog');
      const { first, second, items } = await catalogOf(connector);
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(second.nextCursor).toBeNull();
      expect(items.map((item) => item.sku)).toEqual(['MUG-1', 'TEE-S', 'TEE-M']);
      for (const item of items) {
        expect(item.externalVariantId).toMatch(GID('ProductVariant'));
        expect(item.externalInventoryItemId).toMatch(GID('InventoryItem'));
        expect(item.externalProductId).toMatch(GID('Product'));
        expect(item.manageStock).toBe(true);
      }
      const itemIds = items.map((item) => BigInt(legacyIdOf(item.externalInventoryItemId ?? '')));
      expect(itemIds.every((id) => id > 2n ** 53n)).toBe(true);
      expect(new Set(itemIds).size).toBe(3);
      expect(items.find((item) => item.sku === 'TEE-S')?.title).toBe('Tee - Small');
    });

    it('levels are read per location as "available"', async () => {
      const connector = await backend.arrange('read');
      const { items } = await catalogOf(connector);
      const levels = await connector.readLevels(items);
      const warehouse = await locationId(connector, 'Warehouse');
      const floor = await locationId(connector, 'Shop floor');
      const at = (sku: string, location: string) => levels.find((l) => l.sku === sku && l.externalLocationId === location)?.available;
      expect(at('MUG-1', warehouse)).toBe(5);
      expect(at('MUG-1', floor)).toBe(2);
      expect(at('TEE-S', warehouse)).toBe(3);
      expect(at('TEE-S', floor)).toBeUndefined();
      expect(levels).toHaveLength(4);
    });

    it('a write with the right expected quantity is applied and read back', async () => {
      const connector = await backend.arrange('write');
      const { mug, level } = await mugAtWarehouse(connector);
      const results = await connector.writeLevels([write(level, 9, 5)], { idempotencyKey: 'push-42-a' });
      expect(results).toEqual([{ sku: 'MUG-1', externalLocationId: level.externalLocationId, outcome: 'written', quantity: 9 }]);
      const after = await connector.readLevels([mug]);
      expect(after.find((l) => l.externalLocationId === level.externalLocationId)?.available).toBe(9);
    });

    it('a write whose expected quantity is stale is not applied and reports the actual quantity', async () => {
      const connector = await backend.arrange('stale');
      const { level } = await mugAtWarehouse(connector);
      const results = await connector.writeLevels([write(level, 9, 4)], { idempotencyKey: 'push-42-b' });
      expect(results).toEqual([{ sku: 'MUG-1', externalLocationId: level.externalLocationId, outcome: 'stale', actual: 5 }]);
    });

    it('one unknown item in a batch is not_found and the others are still written', async () => {
      const connector = await backend.arrange('partial');
      const { mug, level } = await mugAtWarehouse(connector);
      const ghost = { ...write(level, 1, null), sku: 'GHOST', externalInventoryItemId: 'gid://shopify/InventoryItem/1' };
      const results = await connector.writeLevels([ghost, write(level, 9, 5)], { idempotencyKey: 'push-42-c' });
      expect(results.map((r) => [r.sku, r.outcome])).toEqual([
        ['GHOST', 'not_found'],
        ['MUG-1', 'written'],
      ]);
      const after = await connector.readLevels([mug]);
      expect(after.find((l) => l.externalLocationId === level.externalLocationId)?.available).toBe(9);
    });

    it('webhooks are registered for every topic the engine needs, then removed', async () => {
      const connector = await backend.arrange('webhooks');
      const registrations = await connector.registerWebhooks('https://sync.example.com/webhooks/shopify/conn-test');
      expect(registrations.map((r) => r.topic).sort()).toEqual(
        ['app/uninstalled', 'inventory_levels/update', 'orders/cancelled', 'orders/create', 'products/update', 'refunds/create'].sort(),
      );
      for (const registration of registrations) expect(registration.id).toMatch(GID('WebhookSubscription'));
      await connector.unregisterWebhooks(registrations);
    });

    it('orders changed since a time come back shaped like the orders/create webhook', async () => {
      const connector = await backend.arrange('orders');
      const changed = await connector.listChangedSince(new Date('2026-01-01T00:00:00Z'), null);
      expect(changed.nextCursor).toBeNull();
      expect(changed.events).toHaveLength(1);
      const [event] = changed.events;
      expect(event?.topic).toBe('orders/create');
      const payload = JSON.parse(event?.payload ?? '{}');
      expect(payload.id).toMatch(/^\d+$/);
      expect(event?.resourceId).toBe(payload.id);
      expect(payload.cancelled_at).toBeNull();
      expect(payload.line_items).toEqual([
        expect.objectContaining({ sku: 'MUG-1', quantity: 2, variant_id: expect.stringMatching(/^\d+$/) }),
      ]);
    });
  });
}
