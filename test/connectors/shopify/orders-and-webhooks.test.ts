// Changed orders (the webhook safety net) and webhook registration edge cases, against nock.
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { API_PATH, buildConnector, createTestRedis, operation, replyData, shopify } from './helpers.js';

const redis = createTestRedis('shopify-orders');
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => redis.drop());

const page = (hasNextPage: boolean, endCursor: string | null) => ({ hasNextPage, endCursor });

describe('changed orders and webhooks', () => {
  const order = (overrides: Record<string, unknown> = {}) => ({
    id: 'gid://shopify/Order/9300000000000000001',
    legacyResourceId: '9300000000000000001',
    name: '#1001',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T11:00:00Z',
    cancelledAt: '2026-11-20T11:00:00Z',
    cancelReason: 'CUSTOMER',
    displayFinancialStatus: 'REFUNDED',
    displayFulfillmentStatus: 'UNFULFILLED',
    test: false,
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/1',
          sku: 'A',
          quantity: 1,
          currentQuantity: 0,
          variant: { id: 'gid://shopify/ProductVariant/1', legacyResourceId: '1' },
        },
      ],
      pageInfo: page(true, 'li1'),
    },
    ...overrides,
  });

  it('a cancelled order with more line items than one page is reported whole, as orders/cancelled', async () => {
    shopify()
      .post(
        API_PATH,
        operation('ChangedOrders', (b) => b.variables?.query === "updated_at:>'2026-11-20T09:00:00.000Z'"),
      )
      .reply(200, replyData({ orders: { nodes: [order()], pageInfo: page(true, 'o1') } }, 929, 105))
      .post(
        API_PATH,
        operation('OrderLineItems', (b) => b.variables?.after === 'li1'),
      )
      .reply(
        200,
        replyData({
          order: {
            id: order().id,
            lineItems: {
              nodes: [{ id: 'gid://shopify/LineItem/2', sku: 'B', quantity: 3, currentQuantity: 0, variant: null }],
              pageInfo: page(false, 'li2'),
            },
          },
        }),
      );
    const changed = await buildConnector(redis).connector.listChangedSince(new Date('2026-11-20T09:00:00Z'), null);
    expect(changed.nextCursor).toBe('o1');
    expect(changed.events[0]).toMatchObject({
      topic: 'orders/cancelled',
      resourceId: '9300000000000000001',
      modifiedAt: new Date('2026-11-20T11:00:00Z'),
    });
    const payload = JSON.parse(changed.events[0]?.payload ?? '{}');
    expect(payload).toMatchObject({
      id: '9300000000000000001',
      cancel_reason: 'customer',
      financial_status: 'refunded',
      fulfillment_status: null,
    });
    expect(
      payload.line_items.map((line: { id: string; sku: string; variant_id: string | null }) => [line.id, line.sku, line.variant_id]),
    ).toEqual([
      ['1', 'A', '1'],
      ['2', 'B', null],
    ]);
  });

  it('existing subscriptions are reused; a refused one undoes what this call created', async () => {
    const callback = 'https://sync.example.com/webhooks/shopify/c1';
    shopify()
      .post(API_PATH, operation('Webhooks'))
      .reply(
        200,
        replyData(
          {
            webhookSubscriptions: {
              nodes: [{ id: 'gid://shopify/WebhookSubscription/1', topic: 'ORDERS_CREATE', uri: callback }],
              pageInfo: page(false, null),
            },
          },
          102,
          3,
        ),
      )
      .post(
        API_PATH,
        operation('WebhookCreate', (b) => b.variables?.topic === 'ORDERS_CANCELLED'),
      )
      .reply(
        200,
        replyData({
          webhookSubscriptionCreate: {
            webhookSubscription: { id: 'gid://shopify/WebhookSubscription/2', topic: 'ORDERS_CANCELLED', uri: callback },
            userErrors: [],
          },
        }),
      )
      .post(
        API_PATH,
        operation('WebhookCreate', (b) => b.variables?.topic === 'REFUNDS_CREATE'),
      )
      .reply(
        200,
        replyData({
          webhookSubscriptionCreate: {
            webhookSubscription: null,
            userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }],
          },
        }),
      )
      .post(
        API_PATH,
        operation('WebhookDelete', (b) => b.variables?.id === 'gid://shopify/WebhookSubscription/2'),
      )
      .reply(
        200,
        replyData({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: 'gid://shopify/WebhookSubscription/2', userErrors: [] } }),
      );
    await expect(buildConnector(redis).connector.registerWebhooks(callback)).rejects.toMatchObject({
      kind: 'permanent',
      code: 'SHOPIFY_WEBHOOK_REJECTED',
      message: expect.stringContaining('refunds/create'),
    });
  });
});
