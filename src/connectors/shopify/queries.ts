// Every Admin GraphQL document this connector sends, with its cost estimate. Estimates follow
// Shopify's published rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
// scalars 0, objects 1, a connection 2 + first × (cost of one node), a list sized by its list
// argument, mutations 10. Single queries may not exceed 1,000 points, so page sizes are derived
// from these formulas. The client also learns the real requestedQueryCost per query shape.

export const MAX_QUERY_COST = 1_000;
export const MUTATION_COST = 10;

const LEVEL_FIELDS = `location { id } updatedAt quantities(names: ["available"]) { name quantity }`;

export const SHOP_QUERY = `query ShopInfo { shop { id name myshopifyDomain } }`;
export const SHOP_COST = 1;

export const LOCATIONS_QUERY = `query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after) { nodes { id name isActive } pageInfo { hasNextPage endCursor } }
}`;
export const locationsCost = (first: number) => 2 + first;

export const CATALOG_QUERY = `query CatalogPage($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes { id sku title product { id title } inventoryItem { id tracked } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const catalogCost = (first: number) => 2 + first * 3;

/** One variant with its levels at up to `locations` locations. */
const levelsPerVariantCost = (locations: number) => 4 + 3 * locations;

export const VARIANT_LEVELS_QUERY = `query VariantLevels($ids: [ID!]!, $locations: Int!) {
  nodes(ids: $ids) {
    ... on ProductVariant { id sku inventoryItem { id tracked inventoryLevels(first: $locations) { nodes { ${LEVEL_FIELDS} } } } }
  }
}`;
export const variantLevelsCost = (ids: number, locations: number) => ids * levelsPerVariantCost(locations);

export const LEVELS_PAGE_QUERY = `query LevelsPage($first: Int!, $after: String, $locations: Int!) {
  productVariants(first: $first, after: $after) {
    nodes { id sku inventoryItem { id tracked inventoryLevels(first: $locations) { nodes { ${LEVEL_FIELDS} } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const levelsPageCost = (first: number, locations: number) => 2 + first * levelsPerVariantCost(locations);

/** Largest page of variants-with-levels that stays under the single-query limit. */
export function levelsPageSize(locations: number, cap = 250): number {
  return Math.max(1, Math.min(cap, Math.floor((MAX_QUERY_COST - 2) / levelsPerVariantCost(locations))));
}

export const VARIANTS_COUNT_QUERY = `query VariantsCount { productVariantsCount { count precision } }`;
export const VARIANTS_COUNT_COST = 1;

export const ITEMS_OF_VARIANTS_QUERY = `query ItemsOfVariants($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id inventoryItem { id } } }
}`;
export const itemsOfVariantsCost = (ids: number) => ids * 2;

/** The key goes in as a literal, as in Shopify's own examples (a variable there is untested). */
export function setQuantitiesMutation(idempotencyKey: string): string {
  return `mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: ${JSON.stringify(idempotencyKey)}) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;
}

export const WEBHOOKS_QUERY = `query Webhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) { nodes { id topic uri } pageInfo { hasNextPage endCursor } }
}`;
export const webhooksCost = (first: number) => 2 + first;

export const WEBHOOK_CREATE_MUTATION = `mutation WebhookCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

export const WEBHOOK_DELETE_MUTATION = `mutation WebhookDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}`;

/** Bulk read of every level: each level line carries its item's sku and variant, so no parent lookup is needed. */
export const BULK_LEVELS_QUERY = `{
  inventoryItems {
    edges { node { id inventoryLevels { edges { node {
      ${LEVEL_FIELDS} item { id sku tracked variant { id } }
    } } } } }
  }
}`;

export const BULK_RUN_MUTATION = `mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) { bulkOperation { id status } userErrors { field message code } }
}`;

export const BULK_STATUS_QUERY = `query BulkStatus($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}`;
export const BULK_STATUS_COST = 1;

const ORDER_LINE_FIELDS = `id sku quantity currentQuantity variant { id legacyResourceId }`;
export const ORDER_LINES_PER_PAGE = 50;

export const CHANGED_ORDERS_QUERY = `query ChangedOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id legacyResourceId name createdAt updatedAt cancelledAt cancelReason
      displayFinancialStatus displayFulfillmentStatus test
      lineItems(first: ${ORDER_LINES_PER_PAGE}) { nodes { ${ORDER_LINE_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const changedOrdersCost = (first: number) => 2 + first * (1 + 2 + ORDER_LINES_PER_PAGE * 2);
export const CHANGED_ORDERS_PAGE = Math.floor((MAX_QUERY_COST - 2) / (1 + 2 + ORDER_LINES_PER_PAGE * 2));

export const ORDER_LINE_ITEMS_QUERY = `query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) { id lineItems(first: 250, after: $after) { nodes { ${ORDER_LINE_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;
export const ORDER_LINE_ITEMS_COST = 1 + 2 + 250 * 2;
