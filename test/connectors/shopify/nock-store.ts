// nock fixtures for the contract suite: Admin GraphQL answers in Shopify's documented shapes
// (2026-04), for the store in CATALOG with fixed ids (item ids above 2^53, as real ones are).
import nock from 'nock';
import type { Scenario } from './contract-suite.js';
import { API_PATH, ORIGIN, operation, replyData, STATIC_TOKEN } from './helpers.js';

const WAREHOUSE = 'gid://shopify/Location/24826418';
const FLOOR = 'gid://shopify/Location/24826425';
const page = (hasNextPage: boolean, endCursor: string | null) => ({ hasNextPage, endCursor });

const VARIANTS = [
  {
    id: 'gid://shopify/ProductVariant/9200000000000000001',
    sku: 'MUG-1',
    title: 'Default Title',
    product: { id: 'gid://shopify/Product/9100000000000000001', title: 'Mug' },
    item: 'gid://shopify/InventoryItem/271878346596884015',
    levels: { [WAREHOUSE]: 5, [FLOOR]: 2 },
  },
  {
    id: 'gid://shopify/ProductVariant/9200000000000000008',
    sku: 'TEE-S',
    title: 'Small',
    product: { id: 'gid://shopify/Product/9100000000000000008', title: 'Tee' },
    item: 'gid://shopify/InventoryItem/271878346596884022',
    levels: { [WAREHOUSE]: 3 },
  },
  {
    id: 'gid://shopify/ProductVariant/9200000000000000015',
    sku: 'TEE-M',
    title: 'Medium',
    product: { id: 'gid://shopify/Product/9100000000000000008', title: 'Tee' },
    item: 'gid://shopify/InventoryItem/271878346596884029',
    levels: { [WAREHOUSE]: 4 },
  },
] as const;
const MUG = VARIANTS[0];

const catalogNode = (v: (typeof VARIANTS)[number]) => ({
  id: v.id,
  sku: v.sku,
  title: v.title,
  product: v.product,
  inventoryItem: { id: v.item, tracked: true },
});

function levelsNode(v: (typeof VARIANTS)[number], override: Record<string, number> = {}) {
  const levels = { ...v.levels, ...override } as Record<string, number>;
  return {
    id: v.id,
    sku: v.sku,
    inventoryItem: {
      id: v.item,
      tracked: true,
      inventoryLevels: {
        nodes: Object.entries(levels).map(([location, available]) => ({
          location: { id: location },
          updatedAt: '2026-11-20T10:00:00Z',
          quantities: [{ name: 'available', quantity: available }],
        })),
      },
    },
  };
}

function api() {
  return nock(ORIGIN).matchHeader('x-shopify-access-token', STATIC_TOKEN);
}

function catalog(scope: nock.Scope) {
  scope
    .post(
      API_PATH,
      operation('CatalogPage', (b) => b.variables?.after === null && b.variables?.first === 2),
    )
    .reply(
      200,
      replyData({ productVariants: { nodes: VARIANTS.slice(0, 2).map(catalogNode), pageInfo: page(true, 'eyJsYXN0X2lkIjo5MjAwfQ') } }, 8),
    )
    .post(
      API_PATH,
      operation('CatalogPage', (b) => b.variables?.after === 'eyJsYXN0X2lkIjo5MjAwfQ'),
    )
    .reply(
      200,
      replyData({ productVariants: { nodes: VARIANTS.slice(2).map(catalogNode), pageInfo: page(false, 'eyJsYXN0X2lkIjo5MzAwfQ') } }, 8, 5),
    );
}

function locations(scope: nock.Scope) {
  scope.post(API_PATH, operation('Locations')).reply(
    200,
    replyData(
      {
        locations: {
          nodes: [
            { id: WAREHOUSE, name: 'Warehouse', isActive: true },
            { id: FLOOR, name: 'Shop floor', isActive: true },
          ],
          pageInfo: page(false, 'bG9j'),
        },
      },
      252,
      4,
    ),
  );
}

function mugLevels(scope: nock.Scope, warehouse: number) {
  scope
    .post(
      API_PATH,
      operation('VariantLevels', (b) => JSON.stringify(b.variables?.ids) === JSON.stringify([MUG.id])),
    )
    .reply(200, replyData({ nodes: [levelsNode(MUG, { [WAREHOUSE]: warehouse })] }, 10, 9));
}

function setQuantities(
  scope: nock.Scope,
  count: number,
  reply: { group: boolean; userErrors: { code: string; field: string[]; message: string }[] },
) {
  scope
    .post(
      API_PATH,
      operation('SetQuantities', (b) => {
        const input = b.variables?.input as {
          name: string;
          reason: string;
          referenceDocumentUri: string;
          quantities: Record<string, unknown>[];
        };
        return (
          input.name === 'available' &&
          input.reason === 'correction' &&
          input.referenceDocumentUri === 'gid://stockbridge/Push/push-42' &&
          input.quantities.length === count &&
          input.quantities.every((q) => 'changeFromQuantity' in q) &&
          /@idempotent\(key: "push-42-[a-c](:r1)?"\)/.test(b.query)
        );
      }),
    )
    .reply(
      200,
      replyData({
        inventorySetQuantities: {
          inventoryAdjustmentGroup: reply.group ? { id: 'gid://shopify/InventoryAdjustmentGroup/9700000000000000001' } : null,
          userErrors: reply.userErrors,
        },
      }),
    );
}

const CALLBACK = 'https://sync.example.com/webhooks/shopify/conn-test';
const TOPICS = ['ORDERS_CREATE', 'ORDERS_CANCELLED', 'REFUNDS_CREATE', 'INVENTORY_LEVELS_UPDATE', 'PRODUCTS_UPDATE', 'APP_UNINSTALLED'];

function webhooks(scope: nock.Scope) {
  scope
    .post(API_PATH, operation('Webhooks'))
    .reply(200, replyData({ webhookSubscriptions: { nodes: [], pageInfo: page(false, null) } }, 102, 2));
  TOPICS.forEach((topic, index) => {
    const id = `gid://shopify/WebhookSubscription/95000000000000000${10 + index}`;
    scope
      .post(
        API_PATH,
        operation('WebhookCreate', (b) => b.variables?.topic === topic),
      )
      .reply(200, replyData({ webhookSubscriptionCreate: { webhookSubscription: { id, topic, uri: CALLBACK }, userErrors: [] } }))
      .post(
        API_PATH,
        operation('WebhookDelete', (body) => body.variables?.id === id),
      )
      .reply(200, replyData({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: id, userErrors: [] } }));
  });
}

function orders(scope: nock.Scope) {
  const order = {
    id: 'gid://shopify/Order/9300000000000000001',
    legacyResourceId: '9300000000000000001',
    name: '#1001',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    cancelledAt: null,
    cancelReason: null,
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    test: false,
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/9400000000000000001',
          sku: 'MUG-1',
          quantity: 2,
          currentQuantity: 2,
          variant: { id: MUG.id, legacyResourceId: '9200000000000000001' },
        },
      ],
      pageInfo: page(false, 'bGk'),
    },
  };
  scope
    .post(
      API_PATH,
      operation('ChangedOrders', (b) => b.variables?.query === "updated_at:>'2026-01-01T00:00:00.000Z'"),
    )
    .reply(200, replyData({ orders: { nodes: [order], pageInfo: page(false, 'b3Jk') } }, 929, 7));
}

/** Registers exactly the answers `scenario` needs; the returned scope must be done afterwards. */
export function arrangeNock(scenario: Scenario): nock.Scope {
  const scope = api();
  switch (scenario) {
    case 'connection':
      scope
        .post(API_PATH, operation('ShopInfo'))
        .reply(
          200,
          replyData({ shop: { id: 'gid://shopify/Shop/548380009', name: 'Nock shop', myshopifyDomain: 'nock-shop.myshopify.com' } }, 1),
        );
      locations(scope);
      break;
    case 'catalog':
      catalog(scope);
      break;
    case 'read':
      catalog(scope);
      locations(scope);
      scope
        .post(
          API_PATH,
          operation('VariantLevels', (b) => (b.variables?.ids as string[] | undefined)?.length === 3 && b.variables?.locations === 2),
        )
        .reply(200, replyData({ nodes: VARIANTS.map((v) => levelsNode(v)) }, 30, 24));
      break;
    case 'write':
      catalog(scope);
      locations(scope);
      mugLevels(scope, 5);
      setQuantities(scope, 1, { group: true, userErrors: [] });
      mugLevels(scope, 9);
      break;
    case 'stale':
      catalog(scope);
      locations(scope);
      mugLevels(scope, 5);
      setQuantities(scope, 1, {
        group: false,
        userErrors: [
          {
            code: 'CHANGE_FROM_QUANTITY_STALE',
            field: ['input', 'quantities', '0', 'changeFromQuantity'],
            message: 'The current quantity does not match.',
          },
        ],
      });
      mugLevels(scope, 5);
      break;
    case 'partial':
      catalog(scope);
      locations(scope);
      mugLevels(scope, 5);
      setQuantities(scope, 2, {
        group: false,
        userErrors: [
          {
            code: 'INVALID_INVENTORY_ITEM',
            field: ['input', 'quantities', '0', 'inventoryItemId'],
            message: 'The specified inventory item could not be found.',
          },
        ],
      });
      setQuantities(scope, 1, { group: true, userErrors: [] });
      mugLevels(scope, 9);
      break;
    case 'webhooks':
      webhooks(scope);
      break;
    case 'orders':
      orders(scope);
      break;
  }
  return scope;
}
