// The safety net for missed webhooks: orders updated since a time, oldest change first, as
// payloads shaped like the orders/create webhook so the engine handles both paths alike. The
// movement idempotency keys (order and line item ids) keep a polled order that was also
// delivered by webhook from moving stock twice.
import type { ChangedSince } from '../contract.js';
import type { ShopifyGraphql } from './client.js';
import { type Connection, type OrderLineNode, type OrderNode, toOrderPayload } from './map.js';
import { CHANGED_ORDERS_PAGE, CHANGED_ORDERS_QUERY, changedOrdersCost, ORDER_LINE_ITEMS_COST, ORDER_LINE_ITEMS_QUERY } from './queries.js';

async function remainingLines(graphql: ShopifyGraphql, order: OrderNode): Promise<OrderLineNode[]> {
  const lines = [...order.lineItems.nodes];
  let after = order.lineItems.pageInfo.hasNextPage ? order.lineItems.pageInfo.endCursor : null;
  while (after) {
    const { data }: { data: { order: { lineItems: Connection<OrderLineNode> } | null } } = await graphql.request({
      operation: 'OrderLineItems',
      query: ORDER_LINE_ITEMS_QUERY,
      variables: { id: order.id, after },
      estimatedCost: ORDER_LINE_ITEMS_COST,
    });
    if (!data.order) break;
    lines.push(...data.order.lineItems.nodes);
    after = data.order.lineItems.pageInfo.hasNextPage ? data.order.lineItems.pageInfo.endCursor : null;
  }
  return lines;
}

export async function listChangedOrders(
  graphql: ShopifyGraphql,
  since: Date,
  cursor: string | null,
  pageSize?: number,
): Promise<ChangedSince> {
  const first = Math.min(CHANGED_ORDERS_PAGE, Math.max(1, pageSize ?? CHANGED_ORDERS_PAGE));
  const { data } = await graphql.request<{ orders: Connection<OrderNode> }>({
    operation: 'ChangedOrders',
    query: CHANGED_ORDERS_QUERY,
    variables: { first, after: cursor, query: `updated_at:>'${since.toISOString()}'` },
    estimatedCost: changedOrdersCost(first),
    costKey: `ChangedOrders:${first}`,
  });
  const events: ChangedSince['events'] = [];
  for (const order of data.orders.nodes) {
    const lines = await remainingLines(graphql, order);
    events.push({
      // A cancelled order releases its stock; any other change is reported as the order itself.
      topic: order.cancelledAt ? 'orders/cancelled' : 'orders/create',
      resourceId: order.legacyResourceId,
      modifiedAt: new Date(order.updatedAt),
      payload: JSON.stringify(toOrderPayload(order, lines)),
    });
  }
  const { pageInfo } = data.orders;
  return { events, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}
