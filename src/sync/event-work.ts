// Platform facts → work per SKU. Order lines become one piece of work per SKU they move (a bundle
// line moves each component), store reports are bound to the listing's SKU and mapped location, ERP
// rows are grouped by SKU. What cannot be bound is reported (audit note), never guessed.
import type { PrismaClient } from '../db/client.js';
import type { EventFacts, OrderLineFact, RefundLineFact, ShopifyOrderFacts, WooOrderFacts } from './interpret-event.js';
import { shopifyGid } from './interpret-event.js';
import type { ShopifyLineChange } from './movements.js';
import { listingByInventoryItem, listingByVariant, mappedLocation, partsOf, type SkuPart, skuOfLine } from './resolve-skus.js';
import type { OrderLineWork, SkuWork } from './sku-work.js';

export type EventNote = { action: string; sku: string | null; note: string };

export type PlannedEvent =
  | { kind: 'ignore'; reason: string; notes: EventNote[] }
  | { kind: 'work'; works: { sku: string; work: SkuWork }[]; notes: EventNote[]; deletedVariants?: string[] };

export type PlanInput = { prisma: PrismaClient; connectionId: string; store: string; facts: EventFacts; receivedAt: Date };

/** A refund for an order line we have not seen, with no copy of the line to place it from. */
export class OrderNotSeenError extends Error {
  readonly code = 'ORDER_NOT_SEEN';
  readonly kind = 'retryable' as const;
  readonly retryAfterMs = 30_000;
  constructor(what: string) {
    super(`${what}: a refund arrived before its order; retrying once the order is in`);
    this.name = 'OrderNotSeenError';
  }
}

export async function planEventWork(input: PlanInput): Promise<PlannedEvent> {
  const { facts } = input;
  switch (facts.kind) {
    case 'ignore':
      return { kind: 'ignore', reason: facts.reason, notes: [] };
    case 'shopify_order':
    case 'woo_order':
      return planOrder(input, facts);
    case 'shopify_refund':
      return planRefund(input, facts.orderId, facts.refunds);
    case 'level':
      return planLevel(input, facts);
    case 'variant_skus':
      return planSkuCheck(input, facts.variants);
    case 'listing_deleted':
      return planDeleted(input, facts.variantIds);
    case 'erp_stock': {
      const bySku = Map.groupBy(facts.rows, (row) => row.sku);
      const works = [...bySku].map(([sku, rows]) => ({
        sku,
        work: { type: 'erp_stock' as const, erpConnectionId: input.connectionId, rows },
      }));
      return { kind: 'work', works, notes: [] };
    }
  }
}

type LineChanges = { lineId: string; sku: string; parts: SkuPart[]; changes: OrderLineWork['change'][] };

async function planOrder(input: PlanInput, facts: ShopifyOrderFacts | WooOrderFacts): Promise<PlannedEvent> {
  const notes: EventNote[] = [];
  const lines: LineChanges[] = [];
  for (const line of facts.lines) {
    const resolved = await resolveLine(input, line.variantId, line.sku, `order ${facts.orderId} line ${line.lineId}`, notes);
    if (!resolved) continue;
    lines.push({ lineId: line.lineId, sku: resolved.sku, parts: resolved.parts, changes: lineChanges(facts, line) });
  }
  if (facts.kind === 'shopify_order') {
    const refunds = await planRefund(input, facts.orderId, facts.refunds, lines);
    if (refunds.kind === 'work')
      return { kind: 'work', works: [...toWorks(input, facts, lines), ...refunds.works], notes: [...notes, ...refunds.notes] };
  }
  return lines.length === 0
    ? { kind: 'ignore', reason: 'no order line with a known SKU', notes }
    : { kind: 'work', works: toWorks(input, facts, lines), notes };
}

function lineChanges(facts: ShopifyOrderFacts | WooOrderFacts, line: OrderLineFact): OrderLineWork['change'][] {
  if (facts.kind === 'woo_order')
    return [{ effect: facts.effect, quantity: line.quantity, restockedQuantity: line.restockedQuantity, modifiedAt: facts.modifiedAt }];
  const changes: ShopifyLineChange[] = [{ type: 'place', quantity: line.quantity, at: facts.placedAt }];
  if (facts.cancelledAt) changes.push({ type: 'cancel', quantity: line.quantity, placedAt: facts.placedAt, at: facts.cancelledAt });
  return changes;
}

function toWorks(input: PlanInput, facts: ShopifyOrderFacts | WooOrderFacts, lines: LineChanges[]): { sku: string; work: SkuWork }[] {
  const platform = facts.kind === 'shopify_order' ? ('shopify' as const) : ('woocommerce' as const);
  const externalLocationId = facts.kind === 'shopify_order' ? facts.externalLocationId : 'default';
  const bySku = new Map<string, OrderLineWork[]>();
  for (const line of lines) {
    line.parts.forEach((part, index) => {
      const list = bySku.get(part.sku) ?? [];
      for (const change of line.changes)
        list.push({ lineId: line.lineId, listingSku: line.sku, unitsPerItem: part.unitsPerItem, leadsListing: index === 0, change });
      bySku.set(part.sku, list);
    });
  }
  return [...bySku].map(([sku, orderLines]) => ({
    sku,
    work: {
      type: 'order_lines',
      connectionId: input.connectionId,
      platform,
      store: input.store,
      orderId: facts.orderId,
      externalLocationId,
      lines: orderLines,
    },
  }));
}

async function planRefund(input: PlanInput, orderId: string, refunds: RefundLineFact[], known: LineChanges[] = []): Promise<PlannedEvent> {
  const notes: EventNote[] = [];
  const lines: LineChanges[] = [];
  for (const refund of refunds.filter((candidate) => candidate.restock)) {
    const resolved = known.find((line) => line.lineId === refund.lineId) ?? (await resolveRefundLine(input, orderId, refund, notes));
    if (!resolved) continue;
    const change: ShopifyLineChange = {
      type: 'refund',
      refundId: refund.refundId,
      refundLineId: refund.refundLineId,
      quantity: refund.quantity,
      restock: true,
      lineQuantity: refund.lineQuantity,
      at: refund.occurredAt,
    };
    lines.push({ lineId: refund.lineId, sku: resolved.sku, parts: resolved.parts, changes: [change] });
  }
  if (lines.length === 0) return { kind: 'ignore', reason: 'the refund restocks nothing', notes };
  const facts: ShopifyOrderFacts = {
    kind: 'shopify_order',
    orderId,
    placedAt: new Date(0),
    cancelledAt: null,
    externalLocationId: null,
    lines: [],
    refunds: [],
  };
  return { kind: 'work', works: toWorks(input, facts, lines), notes };
}

async function resolveRefundLine(
  input: PlanInput,
  orderId: string,
  refund: RefundLineFact,
  notes: EventNote[],
): Promise<{ sku: string; parts: SkuPart[] } | null> {
  if (refund.variantId || refund.sku)
    return resolveLine(input, refund.variantId, refund.sku, `order ${orderId} line ${refund.lineId}`, notes);
  const booked = await input.prisma.orderLine.findFirst({
    where: { connectionId: input.connectionId, orderId, lineId: refund.lineId },
    select: { listingSku: true },
  });
  if (!booked) throw new OrderNotSeenError(`order ${orderId}`);
  return { sku: booked.listingSku, parts: await partsOf(input.prisma, booked.listingSku) };
}

async function resolveLine(input: PlanInput, variantId: string | null, sku: string, what: string, notes: EventNote[]) {
  const variantIds = variantId === null ? [] : input.facts.kind === 'woo_order' ? [variantId] : shopifyGid('ProductVariant', variantId);
  const resolved = await skuOfLine(input.prisma, input.connectionId, { variantIds, sku });
  if (!resolved) {
    notes.push({ action: 'event.line_unmapped', sku: null, note: `${what} has no SKU and no known listing: not booked` });
    return null;
  }
  if (resolved.mismatch)
    notes.push({
      action: 'listing.sku_changed',
      sku: resolved.sku,
      note: `${what} sold SKU ${resolved.sku}, but the catalog import bound the item to ${resolved.mismatch}`,
    });
  return { sku: resolved.sku, parts: await partsOf(input.prisma, resolved.sku) };
}

async function planLevel(input: PlanInput, facts: Extract<EventFacts, { kind: 'level' }>): Promise<PlannedEvent> {
  const listing =
    facts.itemIdKind === 'inventory_item'
      ? await listingByInventoryItem(input.prisma, input.connectionId, facts.itemIds)
      : await listingByVariant(input.prisma, input.connectionId, facts.itemIds);
  if (!listing || listing.sku === '')
    return { kind: 'ignore', reason: listing ? 'the item has a blank SKU' : 'unknown item (not in the imported catalog)', notes: [] };
  if (facts.reportedSku !== null && facts.reportedSku !== listing.sku) {
    const note = `the store now reports SKU "${facts.reportedSku}" for item ${listing.externalVariantId}, imported as "${listing.sku}": report not applied until the catalog is re-imported`;
    return {
      kind: 'ignore',
      reason: 'the item SKU changed on the store',
      notes: [{ action: 'listing.sku_changed', sku: listing.sku, note }],
    };
  }
  const externalLocationId = await mappedLocation(input.prisma, input.connectionId, facts.locationIds);
  if (!externalLocationId) return { kind: 'ignore', reason: 'the store location is not mapped', notes: [] };
  const work: SkuWork = {
    type: 'level_report',
    connectionId: input.connectionId,
    platform: facts.platform,
    store: input.store,
    itemId: facts.itemIds[0] ?? listing.externalVariantId,
    externalLocationId,
    available: facts.available,
    reportedAt: facts.reportedAt,
    receivedAt: input.receivedAt,
  };
  return { kind: 'work', works: [{ sku: listing.sku, work }], notes: [] };
}

async function planSkuCheck(input: PlanInput, variants: { variantIds: string[]; sku: string }[]): Promise<PlannedEvent> {
  const notes: EventNote[] = [];
  for (const variant of variants) {
    const listing = await listingByVariant(input.prisma, input.connectionId, variant.variantIds);
    if (listing && listing.sku !== variant.sku) {
      notes.push({
        action: 'listing.sku_changed',
        sku: listing.sku || null,
        note: `item ${listing.externalVariantId}: SKU "${listing.sku}" on import, "${variant.sku}" on the store now`,
      });
    }
  }
  return { kind: 'ignore', reason: notes.length > 0 ? 'SKU changes reported' : 'no SKU change', notes };
}

async function planDeleted(input: PlanInput, variantIds: string[]): Promise<PlannedEvent> {
  const listings = await input.prisma.listing.findMany({
    where: { connectionId: input.connectionId, externalVariantId: { in: variantIds } },
    select: { sku: true },
  });
  const skus = [...new Set(listings.map((listing) => listing.sku).filter((sku) => sku !== ''))];
  if (skus.length === 0) return { kind: 'ignore', reason: 'unknown item deleted', notes: [] };
  return { kind: 'work', works: skus.map((sku) => ({ sku, work: { type: 'recompute' } })), notes: [], deletedVariants: variantIds };
}
