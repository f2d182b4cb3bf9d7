import { describe, expect, it } from 'vitest';
import { EventPayloadError, interpretEvent, type StoredEvent, wooStockEffect } from '../../src/sync/interpret-event.js';

const received = new Date('2026-03-01T10:00:00.000Z');
const event = (platform: StoredEvent['platform'], topic: string, payload: string): StoredEvent => ({
  platform,
  topic,
  payload,
  receivedAt: received,
  triggeredAt: null,
});

describe('interpreting stored events', () => {
  it('keeps Shopify ids above 2^53 exact (the raw body is parsed losslessly)', () => {
    const body = '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6,"updated_at":"2026-03-01T09:59:58-05:00"}';
    const facts = interpretEvent(event('shopify', 'inventory_levels/update', body));
    expect(facts).toMatchObject({
      kind: 'level',
      itemIds: ['271878346596884015', 'gid://shopify/InventoryItem/271878346596884015'],
      locationIds: ['24826418', 'gid://shopify/Location/24826418'],
      available: 6,
      reportedAt: new Date('2026-03-01T14:59:58.000Z'),
    });
  });

  it('reads an order with its lines, location and embedded refunds', () => {
    const body = JSON.stringify({
      id: 820982911946154500,
      created_at: '2026-03-01T09:00:00Z',
      cancelled_at: null,
      location_id: null,
      line_items: [{ id: 466157049, variant_id: 39072856, sku: 'TEE-M', quantity: 2 }],
      refunds: [
        {
          id: 9,
          created_at: '2026-03-01T09:30:00Z',
          refund_line_items: [{ id: 1, line_item_id: 466157049, quantity: 1, restock_type: 'return' }],
        },
      ],
    });
    const facts = interpretEvent(event('shopify', 'orders/create', body));
    expect(facts).toMatchObject({
      kind: 'shopify_order',
      cancelledAt: null,
      lines: [{ lineId: '466157049', variantId: '39072856', sku: 'TEE-M', quantity: 2 }],
    });
    expect(facts.kind === 'shopify_order' && facts.refunds[0]).toMatchObject({ refundId: '9', lineId: '466157049', restock: true });
  });

  it('a refund restocks only for cancel, return and legacy_restock (or the legacy flag)', () => {
    const refund = (lines: object[], restock?: boolean) =>
      interpretEvent(
        event(
          'shopify',
          'refunds/create',
          JSON.stringify({ id: 5, order_id: 6, created_at: '2026-03-01T09:00:00Z', restock, refund_line_items: lines }),
        ),
      );
    const facts = refund([
      { id: 1, line_item_id: 2, quantity: 1, restock_type: 'no_restock' },
      { id: 3, line_item_id: 4, quantity: 1, restock_type: 'cancel' },
      { id: 5, line_item_id: 6, quantity: 1 },
    ]);
    expect(facts.kind === 'shopify_refund' && facts.refunds.map((line) => line.restock)).toEqual([false, true, false]);
    const legacy = refund([{ id: 5, line_item_id: 6, quantity: 1 }], true);
    expect(legacy.kind === 'shopify_refund' && legacy.refunds[0]?.restock).toBe(true);
  });

  it('maps WooCommerce statuses as core reduces and restores stock', () => {
    expect(['processing', 'completed', 'on-hold'].map(wooStockEffect)).toEqual(['hold', 'hold', 'hold']);
    expect(['cancelled', 'pending'].map(wooStockEffect)).toEqual(['release', 'release']);
    expect(['refunded', 'failed', 'trash', 'checkout-draft'].map(wooStockEffect)).toEqual(['keep', 'keep', 'keep', 'keep']);
  });

  it('reads a WooCommerce order: variation ids, GMT times without a zone, restocked refund units', () => {
    const body = JSON.stringify({
      id: 727,
      status: 'processing',
      date_modified_gmt: '2026-03-01T09:10:11',
      line_items: [
        { id: 315, product_id: 93, variation_id: 0, quantity: 2, sku: 'MUG' },
        {
          id: 316,
          product_id: 22,
          variation_id: 23,
          quantity: 1,
          sku: 'CAP-RED',
          meta_data: [{ key: '_restock_refunded_items', value: '1' }],
        },
      ],
    });
    expect(interpretEvent(event('woocommerce', 'order.updated', body))).toMatchObject({
      kind: 'woo_order',
      effect: 'hold',
      modifiedAt: new Date('2026-03-01T09:10:11.000Z'),
      lines: [
        { lineId: '315', variantId: '93', restockedQuantity: 0 },
        { lineId: '316', variantId: '23', restockedQuantity: 1 },
      ],
    });
  });

  it('a WooCommerce product update is a level report only when the item manages its own stock', () => {
    const managed = interpretEvent(
      event('woocommerce', 'product.updated', JSON.stringify({ id: 23, sku: 'CAP-RED', manage_stock: true, stock_quantity: 4 })),
    );
    expect(managed).toMatchObject({
      kind: 'level',
      itemIds: ['23'],
      locationIds: ['default'],
      available: 4,
      reportedSku: 'CAP-RED',
      reportedAt: received,
    });
    const parent = interpretEvent(
      event('woocommerce', 'product.updated', JSON.stringify({ id: 23, manage_stock: 'parent', stock_quantity: null })),
    );
    expect(parent.kind).toBe('ignore');
  });

  it('reads ERP stock.changed rows and ignores other ERP topics', () => {
    const body = JSON.stringify({
      event: 'stock.changed',
      items: [
        {
          sku: 'MUG',
          warehouse: 'WH1',
          onHand: 9,
          reserved: 1,
          incoming: 0,
          available: 8,
          unitCost: '3.50',
          updatedAt: '2026-03-01T09:00:00.123Z',
        },
      ],
    });
    expect(interpretEvent(event('erp', 'stock.changed', body))).toMatchObject({
      kind: 'erp_stock',
      rows: [{ sku: 'MUG', onHand: 9, unitCost: '3.50' }],
    });
    expect(interpretEvent(event('erp', 'item.renamed', '{}')).kind).toBe('ignore');
  });

  it.each([
    ['shopify', 'orders/create', 'not json'],
    ['shopify', 'orders/create', '{"id":1,"created_at":"2026-03-01T09:00:00Z","line_items":[{"id":1,"quantity":"two"}]}'],
    ['shopify', 'inventory_levels/update', '{"inventory_item_id":1,"location_id":2,"available":1.5,"updated_at":"2026-03-01T09:00:00Z"}'],
    ['shopify', 'refunds/create', '{"id":1,"refund_line_items":[]}'],
    ['woocommerce', 'order.created', '{"id":1,"line_items":[]}'],
    ['erp', 'stock.changed', '{"event":"stock.changed","items":[]}'],
    [
      'erp',
      'stock.changed',
      '{"event":"stock.changed","items":[{"sku":"A","warehouse":"W","onHand":1,"reserved":0,"incoming":0,"available":1,"updatedAt":"yesterday"}]}',
    ],
  ] as const)('%s %s with a bad body is a permanent payload error: %s', (platform, topic, payload) => {
    const attempt = () => interpretEvent(event(platform, topic, payload));
    expect(attempt).toThrow(EventPayloadError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'EVENT_PAYLOAD_INVALID', kind: 'permanent' });
    }
  });

  it('topics that move no stock are ignored', () => {
    expect(interpretEvent(event('shopify', 'app/uninstalled', '{}')).kind).toBe('ignore');
    expect(interpretEvent(event('woocommerce', 'order.deleted', '{"id":1}')).kind).toBe('ignore');
  });
});
