// Reads against nock: paging, untracked items, bulk JSONL, deleted variants.
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChannelLevel } from '../../../src/connectors/contract.js';
import { API_PATH, buildConnector, createTestRedis, operation, replyData, shopify } from './helpers.js';

const redis = createTestRedis('shopify-reads');
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => redis.drop());

const LOCATION = 'gid://shopify/Location/24826418';
const page = (hasNextPage: boolean, endCursor: string | null) => ({ hasNextPage, endCursor });
const oneLocation = replyData(
  { locations: { nodes: [{ id: LOCATION, name: 'Warehouse', isActive: true }], pageInfo: page(false, null) } },
  252,
  3,
);

function variantWithLevel(n: number, available: number, tracked = true) {
  return {
    id: `gid://shopify/ProductVariant/${n}`,
    sku: `SKU-${n}`,
    inventoryItem: {
      id: `gid://shopify/InventoryItem/${271878346596884000n + BigInt(n)}`,
      tracked,
      inventoryLevels: {
        nodes: [
          { location: { id: LOCATION }, updatedAt: '2026-11-20T10:00:00Z', quantities: [{ name: 'available', quantity: available }] },
        ],
      },
    },
  };
}

async function collect(levels: AsyncIterable<ChannelLevel[]>) {
  const chunks: ChannelLevel[][] = [];
  for await (const chunk of levels) chunks.push(chunk);
  return chunks;
}

describe('reading levels', () => {
  it('locations page until Shopify says there is no next page, skipping inactive ones', async () => {
    shopify()
      .post(
        API_PATH,
        operation('Locations', (b) => b.variables?.after === null),
      )
      .reply(
        200,
        replyData({ locations: { nodes: [{ id: LOCATION, name: 'Warehouse', isActive: true }], pageInfo: page(true, 'c1') } }, 252, 3),
      )
      .post(
        API_PATH,
        operation('Locations', (b) => b.variables?.after === 'c1'),
      )
      .reply(
        200,
        replyData(
          { locations: { nodes: [{ id: 'gid://shopify/Location/2', name: 'Closed', isActive: false }], pageInfo: page(false, 'c2') } },
          252,
          3,
        ),
      );
    expect(await buildConnector(redis).connector.listLocations()).toEqual([{ externalLocationId: LOCATION, name: 'Warehouse' }]);
  });

  it('a small store is read page by page; an untracked item reports null', async () => {
    shopify()
      .post(API_PATH, operation('VariantsCount'))
      .reply(200, replyData({ productVariantsCount: { count: 3, precision: 'EXACT' } }, 1))
      .post(API_PATH, operation('Locations'))
      .reply(200, oneLocation)
      .post(
        API_PATH,
        operation('LevelsPage', (b) => b.variables?.after === null && b.variables?.first === 2 && b.variables?.locations === 1),
      )
      .reply(
        200,
        replyData({ productVariants: { nodes: [variantWithLevel(1, 4), variantWithLevel(2, 0, false)], pageInfo: page(true, 'p1') } }, 16),
      )
      .post(
        API_PATH,
        operation('LevelsPage', (b) => b.variables?.after === 'p1'),
      )
      .reply(200, replyData({ productVariants: { nodes: [variantWithLevel(3, 7)], pageInfo: page(false, 'p2') } }, 16));
    const chunks = await collect(buildConnector(redis, { pageSize: 2 }).connector.readAllLevels());
    expect(chunks.map((chunk) => chunk.map((level) => [level.sku, level.available]))).toEqual([
      [
        ['SKU-1', 4],
        ['SKU-2', null],
      ],
      [['SKU-3', 7]],
    ]);
  });

  it('a large store is read with a bulk operation and its JSONL streamed', async () => {
    const lines = [
      { id: 'gid://shopify/InventoryItem/271878346596884015' },
      {
        location: { id: LOCATION },
        updatedAt: '2026-11-20T10:00:00Z',
        quantities: [{ name: 'available', quantity: 12 }],
        item: {
          id: 'gid://shopify/InventoryItem/271878346596884015',
          sku: 'BIG-1',
          tracked: true,
          variant: { id: 'gid://shopify/ProductVariant/9200000000000000001' },
        },
        __parentId: 'gid://shopify/InventoryItem/271878346596884015',
      },
    ];
    shopify()
      .post(API_PATH, operation('VariantsCount'))
      .reply(200, replyData({ productVariantsCount: { count: 10_000, precision: 'AT_LEAST' } }, 1))
      .post(
        API_PATH,
        operation('BulkRun', (b) => String(b.variables?.query).includes('inventoryItems')),
      )
      .reply(
        200,
        replyData({ bulkOperationRunQuery: { bulkOperation: { id: 'gid://shopify/BulkOperation/1', status: 'CREATED' }, userErrors: [] } }),
      )
      .post(API_PATH, operation('BulkStatus'))
      .reply(
        200,
        replyData(
          {
            bulkOperation: {
              id: 'gid://shopify/BulkOperation/1',
              status: 'RUNNING',
              errorCode: null,
              objectCount: '1',
              url: null,
              partialDataUrl: null,
            },
          },
          1,
        ),
      )
      .post(API_PATH, operation('BulkStatus'))
      .reply(
        200,
        replyData(
          {
            bulkOperation: {
              id: 'gid://shopify/BulkOperation/1',
              status: 'COMPLETED',
              errorCode: null,
              objectCount: '2',
              url: 'https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-1.jsonl?X-Goog-Signature=abc',
              partialDataUrl: null,
            },
          },
          1,
        ),
      );
    nock('https://storage.googleapis.com')
      .get('/shopify-tiers-assets-prod-us-east1/bulk-1.jsonl')
      .query(true)
      .reply(200, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const chunks = await collect(buildConnector(redis).connector.readAllLevels());
    expect(chunks.flat()).toEqual([
      {
        sku: 'BIG-1',
        externalVariantId: 'gid://shopify/ProductVariant/9200000000000000001',
        externalInventoryItemId: 'gid://shopify/InventoryItem/271878346596884015',
        externalLocationId: LOCATION,
        available: 12,
        updatedAt: new Date('2026-11-20T10:00:00Z'),
      },
    ]);
  });

  it('a failed bulk operation is a retryable SHOPIFY_BULK_FAILED', async () => {
    shopify()
      .post(API_PATH, operation('VariantsCount'))
      .reply(200, replyData({ productVariantsCount: { count: 5_000, precision: 'EXACT' } }, 1))
      .post(API_PATH, operation('BulkRun'))
      .reply(
        200,
        replyData({ bulkOperationRunQuery: { bulkOperation: { id: 'gid://shopify/BulkOperation/2', status: 'CREATED' }, userErrors: [] } }),
      )
      .post(API_PATH, operation('BulkStatus'))
      .reply(
        200,
        replyData(
          {
            bulkOperation: {
              id: 'gid://shopify/BulkOperation/2',
              status: 'FAILED',
              errorCode: 'INTERNAL_SERVER_ERROR',
              objectCount: '0',
              url: null,
              partialDataUrl: null,
            },
          },
          1,
        ),
      );
    await expect(collect(buildConnector(redis).connector.readAllLevels())).rejects.toMatchObject({
      kind: 'retryable',
      code: 'SHOPIFY_BULK_FAILED',
    });
  });

  it('a variant that no longer exists simply has no levels', async () => {
    shopify()
      .post(API_PATH, operation('Locations'))
      .reply(200, oneLocation)
      .post(API_PATH, operation('VariantLevels'))
      .reply(200, replyData({ nodes: [null] }, 7, 0));
    const levels = await buildConnector(redis).connector.readLevels([
      { sku: 'GONE', externalVariantId: 'gid://shopify/ProductVariant/404' },
    ]);
    expect(levels).toEqual([]);
  });
});
