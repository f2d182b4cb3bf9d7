import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustmentDraft,
  decideShopifyLine,
  decideWooLine,
  EMPTY_LINE,
  type LineRecord,
  lineSubject,
  type ShopifyLineChange,
  type WooLineChange,
} from '../../src/sync/movements.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
const shopifyLine = lineSubject({
  platform: 'shopify',
  store: 'demo.myshopify.com',
  orderId: '5001',
  lineId: '71',
  sku: 'TEE',
  listingSku: 'TEE',
  unitsPerItem: 1,
});
const wooLine = lineSubject({
  platform: 'woocommerce',
  store: 'shop.example.com',
  orderId: '88',
  lineId: '3',
  sku: 'MUG',
  listingSku: 'MUG',
  unitsPerItem: 1,
});

function runShopify(changes: ShopifyLineChange[], record: LineRecord = EMPTY_LINE) {
  const drafts = [];
  for (const change of changes) {
    const decision = decideShopifyLine(record, change, shopifyLine);
    if (decision.outcome !== 'order_not_seen') record = decision.record;
    drafts.push(...decision.drafts);
  }
  return { record, drafts };
}

function runWoo(changes: WooLineChange[], record: LineRecord = EMPTY_LINE) {
  const drafts = [];
  for (const change of changes) {
    const decision = decideWooLine(record, change, wooLine);
    if (decision.outcome !== 'stale') record = decision.record;
    drafts.push(...decision.drafts);
  }
  return { record, drafts };
}

describe('Shopify order lines → movements', () => {
  it('orders/create books one sale keyed by shop, order and line', () => {
    const { drafts, record } = runShopify([{ type: 'place', quantity: 2, at: at(0) }]);
    expect(drafts).toEqual([
      expect.objectContaining({ idempotencyKey: 'shopify:demo.myshopify.com:order:5001:line:71:placed', kind: 'sale', quantity: -2 }),
    ]);
    expect(record).toMatchObject({ placed: true, heldQuantity: 2 });
  });

  it('a duplicate or replayed orders/create books nothing', () => {
    const { drafts } = runShopify([
      { type: 'place', quantity: 2, at: at(0) },
      { type: 'place', quantity: 2, at: at(0) },
      { type: 'place', quantity: 2, at: at(5) },
    ]);
    expect(drafts).toHaveLength(1);
  });

  it('orders/cancelled releases what the line still holds, once', () => {
    const { drafts, record } = runShopify([
      { type: 'place', quantity: 3, at: at(0) },
      { type: 'cancel', quantity: 3, placedAt: at(0), at: at(9) },
      { type: 'cancel', quantity: 3, placedAt: at(0), at: at(9) },
    ]);
    expect(drafts.map((draft) => [draft.idempotencyKey.split(':').at(-1), draft.quantity])).toEqual([
      ['placed', -3],
      ['cancelled', 3],
    ]);
    expect(record.heldQuantity).toBe(0);
  });

  it('a cancellation delivered before its orders/create nets to zero and the late create books nothing', () => {
    const { drafts } = runShopify([
      { type: 'cancel', quantity: 2, placedAt: at(0), at: at(9) },
      { type: 'place', quantity: 2, at: at(0) },
    ]);
    expect(drafts.reduce((sum, draft) => sum + draft.quantity, 0)).toBe(0);
    expect(drafts).toHaveLength(2);
  });

  it('partial refunds release only restocked units, each refund line once, never more than held', () => {
    const refund = (id: string, quantity: number, restock = true): ShopifyLineChange => ({
      type: 'refund',
      refundId: id,
      refundLineId: `${id}1`,
      quantity,
      restock,
      lineQuantity: 5,
      at: at(20),
    });
    const { drafts, record } = runShopify([
      { type: 'place', quantity: 5, at: at(0) },
      refund('r1', 2),
      refund('r1', 2),
      refund('r2', 1, false),
      refund('r3', 9),
    ]);
    expect(drafts.map((draft) => draft.quantity)).toEqual([-5, 2, 3]);
    expect(drafts[1]?.idempotencyKey).toBe('shopify:demo.myshopify.com:order:5001:line:71:refund:r1:line:r11');
    expect(record.heldQuantity).toBe(0);
  });

  it('a cancel after a restocking refund releases only the rest (Shopify sends both for one cancellation)', () => {
    const { drafts } = runShopify([
      { type: 'place', quantity: 4, at: at(0) },
      { type: 'refund', refundId: 'r', refundLineId: 'l', quantity: 4, restock: true, lineQuantity: 4, at: at(5) },
      { type: 'cancel', quantity: 4, placedAt: at(0), at: at(5) },
    ]);
    expect(drafts.reduce((sum, draft) => sum + draft.quantity, 0)).toBe(0);
  });

  it('a refund before its order places the line from the refund copy, or waits when it has none', () => {
    const withCopy = runShopify([
      { type: 'refund', refundId: 'r', refundLineId: 'l', quantity: 1, restock: true, lineQuantity: 3, at: at(5) },
    ]);
    expect(withCopy.drafts.map((draft) => draft.quantity)).toEqual([-3, 1]);
    const decision = decideShopifyLine(
      EMPTY_LINE,
      { type: 'refund', refundId: 'r', refundLineId: 'l', quantity: 1, restock: true, lineQuantity: null, at: at(5) },
      shopifyLine,
    );
    expect(decision).toMatchObject({ outcome: 'order_not_seen', drafts: [] });
  });

  it('a bundle component line is keyed per component and moves quantity × units per bundle', () => {
    const subject = lineSubject({
      platform: 'shopify',
      store: 's',
      orderId: '1',
      lineId: '2',
      sku: 'CUP',
      listingSku: 'KIT',
      unitsPerItem: 3,
    });
    const decision = decideShopifyLine(EMPTY_LINE, { type: 'place', quantity: 2, at: at(0) }, subject);
    expect(decision.drafts[0]).toMatchObject({ idempotencyKey: 'shopify:s:order:1:line:2:component:CUP:placed', quantity: -6 });
  });
});

describe('WooCommerce order status transitions → movements (as core reduces and restores stock)', () => {
  const status = (effect: WooLineChange['effect'], minute: number, quantity = 2, restockedQuantity = 0): WooLineChange => ({
    effect,
    quantity,
    restockedQuantity,
    modifiedAt: at(minute),
  });

  it('processing → cancelled → processing reserves again exactly once per transition pair', () => {
    const { drafts } = runWoo([
      status('hold', 1),
      status('hold', 1),
      status('release', 2),
      status('release', 2),
      status('hold', 3),
      status('hold', 3),
    ]);
    expect(drafts.map((draft) => [draft.idempotencyKey.split(':').slice(-2).join(':'), draft.quantity])).toEqual([
      ['hold:1', -2],
      ['release:1', 2],
      ['hold:2', -2],
    ]);
  });

  it('pending, failed and refunded change nothing unless stock was reduced (pending then releases)', () => {
    expect(runWoo([status('keep', 1), status('release', 2)]).drafts).toEqual([]);
    expect(runWoo([status('hold', 1), status('keep', 2)]).drafts).toHaveLength(1);
  });

  it('an older delivery than one already applied is stale and moves nothing', () => {
    const first = runWoo([status('release', 5)]);
    const late = decideWooLine(first.record, status('hold', 3), wooLine);
    expect(late).toMatchObject({ outcome: 'stale', drafts: [] });
  });

  it('restocked refund units are released once, by their running total', () => {
    const { drafts, record } = runWoo([status('hold', 1, 3), status('keep', 2, 3, 1), status('keep', 2, 3, 1), status('keep', 4, 3, 2)]);
    expect(drafts.map((draft) => draft.quantity)).toEqual([-3, 1, 1]);
    expect(record.heldQuantity).toBe(1);
  });

  it('editing the quantity of a held line books the difference with a unique key', () => {
    const { drafts } = runWoo([status('hold', 1, 2), status('hold', 2, 3), status('hold', 3, 2), status('hold', 4, 3)]);
    expect(drafts.map((draft) => draft.quantity)).toEqual([-2, -1, 1, -1]);
    expect(new Set(drafts.map((draft) => draft.idempotencyKey)).size).toBe(4);
  });
});

describe('adjustment drafts', () => {
  it('are keyed by the report (one per store report) and carry the signed delta', () => {
    const draft = adjustmentDraft({
      platform: 'shopify',
      store: 's',
      itemId: '9',
      externalLocationId: 'L1',
      reportedAt: at(7),
      reported: 4,
      delta: -3,
    });
    expect(draft).toMatchObject({ kind: 'adjustment', quantity: -3, idempotencyKey: `shopify:s:level:9@L1:${at(7).toISOString()}:4` });
  });
});

describe('properties', () => {
  const wooStatus = fc.record({
    effect: fc.constantFrom<WooLineChange['effect']>('hold', 'release', 'keep'),
    minute: fc.integer({ min: 0, max: 50 }),
  });

  it('WooCommerce: any delivery order, with duplicates, ends holding exactly what the newest status says', () => {
    fc.assert(
      fc.property(fc.array(wooStatus, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 9 }), (events, quantity) => {
        const { drafts, record } = runWoo(
          events.map((event) => ({ effect: event.effect, quantity, restockedQuantity: 0, modifiedAt: at(event.minute) })),
        );
        const keys = drafts.map((draft) => draft.idempotencyKey);
        expect(new Set(keys).size).toBe(keys.length);
        const held = 0 - drafts.reduce((sum, draft) => sum + draft.quantity, 0);
        expect(held).toBe(record.heldQuantity);
        expect(held === 0 || held === quantity).toBe(true);
        // Every event at the newest time was applied in its turn: the last one that is not "keep" decides.
        const newest = Math.max(...events.map((event) => event.minute));
        const atNewest = events.filter((event) => event.minute === newest && event.effect !== 'keep').at(-1);
        if (atNewest) expect(held).toBe(atNewest.effect === 'hold' ? quantity : 0);
      }),
    );
  });

  it('Shopify: any mix of creates, cancels and refunds, replayed at will, never releases more than it took', () => {
    const change = fc.oneof(
      fc.constant<ShopifyLineChange>({ type: 'place', quantity: 4, at: at(0) }),
      fc.constant<ShopifyLineChange>({ type: 'cancel', quantity: 4, placedAt: at(0), at: at(9) }),
      fc.record({ id: fc.constantFrom('a', 'b', 'c'), quantity: fc.integer({ min: 1, max: 4 }), restock: fc.boolean() }).map(
        (refund): ShopifyLineChange => ({
          type: 'refund',
          refundId: refund.id,
          refundLineId: '1',
          quantity: refund.quantity,
          restock: refund.restock,
          lineQuantity: 4,
          at: at(5),
        }),
      ),
    );
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 20 }), (changes) => {
        const once = runShopify(changes);
        const twice = runShopify([...changes, ...changes]);
        const net = once.drafts.reduce((sum, draft) => sum + draft.quantity, 0);
        expect(net).toBeLessThanOrEqual(0);
        expect(net).toBeGreaterThanOrEqual(-4);
        expect(twice.drafts).toEqual(once.drafts);
        expect(0 - net).toBe(once.record.heldQuantity);
      }),
    );
  });
});
