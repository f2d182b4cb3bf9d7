// inventorySetQuantities rules (2026-04) and bulk operations in the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../src/simulators/shopify/server.js';
import { waitFor } from '../../helpers/fixtures.js';
import { gql, SECRET, SET_QUANTITIES, STORE, setWithKey, TOKEN } from './helpers.js';

let sim: ShopifySimulator;
let count = 0;

function newShop() {
  count += 1;
  const domain = `inventory-${count}.myshopify.com`;
  sim.control.addShop({ domain, accessToken: TOKEN });
  const seeded = sim.control.seed(domain, STORE);
  const warehouse = seeded.locations.find((l) => l.name === 'Warehouse')?.id as string;
  const floor = seeded.locations.find((l) => l.name === 'Shop floor')?.id as string;
  const item = (sku: string) => seeded.variants.find((v) => v.sku === sku)?.inventoryItemId as string;
  return { domain, warehouse, floor, mug: item('MUG-1'), tee: item('TEE-S') };
}

const input = (quantities: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  input: { name: 'available', reason: 'correction', referenceDocumentUri: 'gid://stockbridge/Push/1', quantities, ...extra },
});
const available = (domain: string, sku: string, location: string) =>
  sim.control.levels(domain, sku).find((l) => l.location === location)?.available;

beforeAll(async () => {
  sim = await startShopifySimulator({ webhookSecret: SECRET, shops: [], bulkDelayMs: 5 });
});
afterAll(() => sim.close());

describe('inventorySetQuantities', () => {
  it('from 2026-04 a quantity without changeFromQuantity is refused outright', async () => {
    const { domain, warehouse, mug } = newShop();
    const answer = await gql(sim, domain, SET_QUANTITIES, input([{ inventoryItemId: mug, locationId: warehouse, quantity: 9 }]));
    expect(answer.body.errors[0]).toMatchObject({
      message: expect.stringContaining('changeFromQuantity'),
      extensions: { code: 'INVALID_FIELD_ARGUMENTS' },
    });
    expect(available(domain, 'MUG-1', 'Warehouse')).toBe(5);
  });

  it('before 2026-04 changeFromQuantity may be left out', async () => {
    const { domain, warehouse, mug } = newShop();
    const answer = await gql(sim, domain, SET_QUANTITIES, input([{ inventoryItemId: mug, locationId: warehouse, quantity: 9 }]), {
      version: '2026-01',
    });
    expect(answer.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(available(domain, 'MUG-1', 'Warehouse')).toBe(9);
  });

  it('a matching compare applies, an explicit null skips the compare, a stale one changes nothing at all', async () => {
    const { domain, warehouse, floor, mug } = newShop();
    const applied = await gql(
      sim,
      domain,
      SET_QUANTITIES,
      input([{ inventoryItemId: mug, locationId: warehouse, quantity: 9, changeFromQuantity: 5 }]),
    );
    expect(applied.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([
      { name: 'available', delta: 4, quantityAfterChange: 9 },
    ]);
    await gql(sim, domain, SET_QUANTITIES, input([{ inventoryItemId: mug, locationId: floor, quantity: 7, changeFromQuantity: null }]));
    expect(available(domain, 'MUG-1', 'Shop floor')).toBe(7);
    const stale = await gql(
      sim,
      domain,
      SET_QUANTITIES,
      input([
        { inventoryItemId: mug, locationId: floor, quantity: 1, changeFromQuantity: 7 },
        { inventoryItemId: mug, locationId: warehouse, quantity: 1, changeFromQuantity: 5 },
      ]),
    );
    expect(stale.body.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        { code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '1', 'changeFromQuantity'], message: expect.any(String) },
      ],
    });
    expect(available(domain, 'MUG-1', 'Shop floor')).toBe(7);
    expect(available(domain, 'MUG-1', 'Warehouse')).toBe(9);
  });

  it.each([
    [
      'an unknown item',
      (s: ReturnType<typeof newShop>) => ({ inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: s.warehouse }),
      'INVALID_INVENTORY_ITEM',
    ],
    [
      'an unknown location',
      (s: ReturnType<typeof newShop>) => ({ inventoryItemId: s.mug, locationId: 'gid://shopify/Location/1' }),
      'INVALID_LOCATION',
    ],
    [
      'an item not stocked there',
      (s: ReturnType<typeof newShop>) => ({ inventoryItemId: s.tee, locationId: s.floor }),
      'ITEM_NOT_STOCKED_AT_LOCATION',
    ],
    [
      'a negative quantity',
      (s: ReturnType<typeof newShop>) => ({ inventoryItemId: s.mug, locationId: s.warehouse, quantity: -1 }),
      'INVALID_QUANTITY_NEGATIVE',
    ],
  ])('%s is a userError with its code, and nothing is written', async (_, quantityOf, code) => {
    const shop = newShop();
    const answer = await gql(sim, shop.domain, SET_QUANTITIES, input([{ quantity: 4, changeFromQuantity: null, ...quantityOf(shop) }]));
    expect(answer.body.data.inventorySetQuantities.userErrors.map((e: { code: string }) => e.code)).toEqual([code]);
    expect(sim.control.levels(shop.domain).map((l) => l.available)).toEqual([5, 2, 3]);
  });

  it('the same item and location twice in one call is refused', async () => {
    const { domain, warehouse, mug } = newShop();
    const pair = { inventoryItemId: mug, locationId: warehouse, quantity: 1, changeFromQuantity: null };
    const answer = await gql(sim, domain, SET_QUANTITIES, input([pair, pair]));
    expect(answer.body.data.inventorySetQuantities.userErrors[0].code).toBe('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR');
  });

  it('@idempotent: the same key and parameters return the first result without applying twice; other parameters are a mismatch', async () => {
    const { domain, warehouse, mug } = newShop();
    const body = input([{ inventoryItemId: mug, locationId: warehouse, quantity: 9, changeFromQuantity: 5 }]);
    const first = await gql(sim, domain, setWithKey('push-1'), body);
    // A replay would be stale (the level is 9 now) if it ran again; it must return the original success.
    const replay = await gql(sim, domain, setWithKey('push-1'), body);
    expect(replay.body.data).toEqual(first.body.data);
    expect(replay.body.data.inventorySetQuantities.userErrors).toEqual([]);
    const other = await gql(
      sim,
      domain,
      setWithKey('push-1'),
      input([{ inventoryItemId: mug, locationId: warehouse, quantity: 3, changeFromQuantity: 9 }]),
    );
    expect(other.body.data.inventorySetQuantities.userErrors[0].code).toBe('IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
    expect(available(domain, 'MUG-1', 'Warehouse')).toBe(9);
  });
});

describe('bulk operations', () => {
  it('run the query with pagination lifted and serve JSONL with children under __parentId', async () => {
    const { domain } = newShop();
    const query =
      '{ productVariants { edges { node { id sku inventoryItem { inventoryLevels { edges { node { location { id } quantities(names: ["available"]) { name quantity } } } } } } } } }';
    const started = await gql(
      sim,
      domain,
      'mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { message } } }',
      { q: query },
    );
    const id = started.body.data.bulkOperationRunQuery.bulkOperation.id;
    const done = await waitFor(async () => {
      const status = await gql(sim, domain, 'query($id: ID!) { bulkOperation(id: $id) { status objectCount url } }', { id });
      return status.body.data.bulkOperation.status === 'COMPLETED' && status.body.data.bulkOperation;
    });
    expect(done.objectCount).toBe('5');
    const lines = (await (await fetch(done.url)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const mug = lines.find((line) => line.sku === 'MUG-1');
    expect(mug).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/), inventoryItem: {} });
    expect(lines.filter((line) => line.__parentId === mug.id).map((line) => line.quantities[0].quantity)).toEqual([5, 2]);
  });

  it('an invalid bulk query is a userError, and no operation is created', async () => {
    const { domain } = newShop();
    const answer = await gql(
      sim,
      domain,
      'mutation { bulkOperationRunQuery(query: "{ nope }") { bulkOperation { id } userErrors { field message } } }',
    );
    expect(answer.body.data.bulkOperationRunQuery).toMatchObject({ bulkOperation: null, userErrors: [{ field: ['query'] }] });
    expect(sim.state.shops.get(domain)?.bulkOperations.size).toBe(0);
  });
});
