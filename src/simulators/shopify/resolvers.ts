// Root fields of the simulated Admin API: graphql-js calls these with (args, context, info).
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { parseSearch } from './search.js';
import { type SetQuantitiesInput, setQuantities } from './set-quantities.js';
import { parseGid, type SimOrder, type SimWebhook } from './state.js';
import { bulkView, itemView, locationView, nodeView, orderView, paginate, productView, type ResolveContext, variantView } from './views.js';

type Args = Record<string, unknown> & { first?: number; after?: string; last?: number; before?: string; query?: string | null };

function variantsMatching(context: ResolveContext, query: string | null | undefined) {
  const { shop } = context;
  const test = parseSearch(query);
  return [...shop.variants.values()].filter((variant) =>
    test({ sku: variant.sku, id: variant.id, title: variant.title, product_id: variant.productId, updated_at: variant.updatedAt }),
  );
}

function webhookView(webhook: SimWebhook) {
  return {
    __typename: 'WebhookSubscription',
    id: `gid://shopify/WebhookSubscription/${webhook.id}`,
    topic: webhook.topic,
    uri: webhook.uri,
    callbackUrl: webhook.uri.startsWith('http') ? webhook.uri : null,
    format: 'JSON',
    createdAt: webhook.createdAt,
  };
}

function sortedOrders(orders: SimOrder[], sortKey: string, reverse: boolean): SimOrder[] {
  const key = (order: SimOrder) => (sortKey === 'UPDATED_AT' ? order.updatedAt : sortKey === 'CREATED_AT' ? order.createdAt : '');
  const sorted = [...orders].sort((a, b) => key(a).localeCompare(key(b)) || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return reverse ? sorted.reverse() : sorted;
}

export const rootValue = {
  shop: (_: Args, context: ResolveContext) => ({
    __typename: 'Shop',
    id: `gid://shopify/Shop/${context.shop.id}`,
    name: context.shop.name,
    myshopifyDomain: context.shop.domain,
  }),
  node: ({ id }: { id: string }, context: ResolveContext) => nodeView(context.shop, id, context),
  nodes: ({ ids }: { ids: string[] }, context: ResolveContext) => {
    if (ids.length > 250) throw new GraphQLError('The ids argument may not exceed 250 items', { extensions: { code: 'BAD_REQUEST' } });
    return ids.map((id) => nodeView(context.shop, id, context));
  },
  locations: (args: Args, context: ResolveContext) => {
    const all = [...context.shop.locations.values()].filter((location) => location.isActive || args.includeInactive === true);
    return paginate(all, args, context, (location) => locationView(context.shop, location.id));
  },
  products: (args: Args, context: ResolveContext) => {
    const test = parseSearch(args.query);
    const all = [...context.shop.products.values()].filter((p) => test({ title: p.title, id: p.id, updated_at: p.updatedAt }));
    return paginate(all, args, context, (product) => productView(context.shop, product.id));
  },
  productVariants: (args: Args, context: ResolveContext) =>
    paginate(variantsMatching(context, args.query), args, context, (variant) => variantView(context.shop, variant)),
  productVariantsCount: (args: Args, context: ResolveContext) => {
    const count = variantsMatching(context, args.query).length;
    const limit = typeof args.limit === 'number' ? args.limit : 10_000;
    return { count: Math.min(count, limit), precision: count > limit ? 'AT_LEAST' : 'EXACT' };
  },
  inventoryItems: (args: Args, context: ResolveContext) => {
    const { shop } = context;
    const test = parseSearch(args.query);
    const all = [...shop.items.values()].filter((item) => test({ id: item.id, sku: shop.variants.get(item.variantId)?.sku ?? null }));
    return paginate(all, args, context, (item) => itemView(shop, item));
  },
  order: ({ id }: { id: string }, context: ResolveContext) => {
    const order = context.shop.orders.get(parseGid(id)?.id ?? '');
    return order ? orderView(context.shop, order) : null;
  },
  orders: (args: Args, context: ResolveContext) => {
    const test = parseSearch(args.query);
    const matching = [...context.shop.orders.values()].filter((order) =>
      test({
        id: order.id,
        name: order.name,
        updated_at: order.updatedAt,
        created_at: order.createdAt,
        status: order.cancelledAt ? 'cancelled' : 'open',
      }),
    );
    const sorted = sortedOrders(matching, String(args.sortKey ?? 'ID'), args.reverse === true);
    return paginate(sorted, args, context, (order) => orderView(context.shop, order));
  },
  webhookSubscriptions: (args: Args, context: ResolveContext) =>
    paginate([...context.shop.webhooks.values()], args, context, (webhook) => webhookView(webhook)),
  bulkOperation: ({ id }: { id: string }, context: ResolveContext) => {
    const operation = context.shop.bulkOperations.get(parseGid(id)?.id ?? '');
    return operation ? bulkView(operation, context.publicUrl(), context.shop) : null;
  },
  currentBulkOperation: (_: Args, context: ResolveContext) => {
    const last = [...context.shop.bulkOperations.values()].at(-1);
    return last ? bulkView(last, context.publicUrl(), context.shop) : null;
  },

  inventorySetQuantities: ({ input }: { input: SetQuantitiesInput }, context: ResolveContext, info: GraphQLResolveInfo) =>
    setQuantities(context, input, info.fieldNodes[0]?.directives ?? []),
  webhookSubscriptionCreate: (
    { topic, webhookSubscription }: { topic: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null } },
    context: ResolveContext,
  ) => {
    const uri = webhookSubscription.uri ?? webhookSubscription.callbackUrl;
    if (!uri || !/^(https?:\/\/|pubsub:\/\/|arn:aws:events:)/.test(uri)) {
      return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }] };
    }
    const taken = [...context.shop.webhooks.values()].some((webhook) => webhook.topic === topic && webhook.uri === uri);
    if (taken)
      return {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' }],
      };
    const webhook: SimWebhook = {
      id: context.nextId('WebhookSubscription'),
      topic,
      uri,
      apiVersion: context.apiVersion,
      createdAt: new Date().toISOString(),
    };
    context.shop.webhooks.set(webhook.id, webhook);
    return { webhookSubscription: webhookView(webhook), userErrors: [] };
  },
  webhookSubscriptionDelete: ({ id }: { id: string }, context: ResolveContext) => {
    const key = parseGid(id)?.id ?? '';
    if (!context.shop.webhooks.delete(key)) {
      return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    }
    return { deletedWebhookSubscriptionId: id, userErrors: [] };
  },
  bulkOperationRunQuery: ({ query }: { query: string }, context: ResolveContext) => context.startBulk(query, context),
};
