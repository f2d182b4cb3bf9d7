// The subset of Shopify's Admin GraphQL schema (2026-04) that stockbridge uses, with Shopify's
// names and types, so real documents validate here exactly as they would there. Connections take
// first/last like Shopify's; a bulk operation runs the same schema with pagination lifted.
import { buildSchema } from 'graphql';

export const SCHEMA_SDL = /* GraphQL */ `
directive @idempotent(key: String!) on FIELD

scalar DateTime
scalar URL
scalar UnsignedInt64

interface Node { id: ID! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type Shop implements Node { id: ID! name: String! myshopifyDomain: String! }

type Location implements Node { id: ID! legacyResourceId: UnsignedInt64! name: String! isActive: Boolean! }
type LocationEdge { cursor: String! node: Location! }
type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID! legacyResourceId: UnsignedInt64! title: String! updatedAt: DateTime!
  variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type ProductVariant implements Node {
  id: ID! legacyResourceId: UnsignedInt64! sku: String title: String! displayName: String! updatedAt: DateTime!
  inventoryQuantity: Int product: Product! inventoryItem: InventoryItem!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

enum CountPrecision { EXACT AT_LEAST }
type Count { count: Int! precision: CountPrecision! }

type InventoryItem implements Node {
  id: ID! legacyResourceId: UnsignedInt64! sku: String tracked: Boolean! variant: ProductVariant!
  inventoryLevels(first: Int, after: String, last: Int, before: String): InventoryLevelConnection!
  inventoryLevel(locationId: ID!): InventoryLevel
}
type InventoryItemEdge { cursor: String! node: InventoryItem! }
type InventoryItemConnection { edges: [InventoryItemEdge!]! nodes: [InventoryItem!]! pageInfo: PageInfo! }

type InventoryQuantity { id: ID! name: String! quantity: Int! updatedAt: DateTime }
type InventoryLevel implements Node {
  id: ID! location: Location! item: InventoryItem! updatedAt: DateTime!
  quantities(names: [String!]!): [InventoryQuantity!]!
}
type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
type InventoryLevelConnection { edges: [InventoryLevelEdge!]! nodes: [InventoryLevel!]! pageInfo: PageInfo! }

type LineItem implements Node {
  id: ID! sku: String quantity: Int! currentQuantity: Int! title: String! variant: ProductVariant product: Product
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

enum OrderSortKeys { CREATED_AT UPDATED_AT ID }
type Order implements Node {
  id: ID! legacyResourceId: UnsignedInt64! name: String! createdAt: DateTime! updatedAt: DateTime!
  cancelledAt: DateTime cancelReason: String displayFinancialStatus: String displayFulfillmentStatus: String! test: Boolean!
  lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

enum WebhookSubscriptionTopic {
  ORDERS_CREATE ORDERS_UPDATED ORDERS_CANCELLED REFUNDS_CREATE INVENTORY_LEVELS_UPDATE
  INVENTORY_ITEMS_UPDATE PRODUCTS_UPDATE APP_UNINSTALLED BULK_OPERATIONS_FINISH
}
enum WebhookSubscriptionFormat { JSON XML }
type WebhookSubscription implements Node {
  id: ID! topic: WebhookSubscriptionTopic! uri: String! callbackUrl: URL format: WebhookSubscriptionFormat! createdAt: DateTime!
}
type WebhookSubscriptionEdge { cursor: String! node: WebhookSubscription! }
type WebhookSubscriptionConnection { edges: [WebhookSubscriptionEdge!]! nodes: [WebhookSubscription!]! pageInfo: PageInfo! }

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
type BulkOperation implements Node {
  id: ID! status: BulkOperationStatus! errorCode: BulkOperationErrorCode createdAt: DateTime! completedAt: DateTime
  objectCount: UnsignedInt64! fileSize: UnsignedInt64 url: URL partialDataUrl: URL query: String!
}

type Query {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  locations(first: Int, after: String, last: Int, before: String, includeInactive: Boolean = false): LocationConnection!
  products(first: Int, after: String, last: Int, before: String, query: String): ProductConnection!
  productVariants(first: Int, after: String, last: Int, before: String, query: String): ProductVariantConnection!
  productVariantsCount(query: String, limit: Int = 10000): Count
  inventoryItems(first: Int, after: String, last: Int, before: String, query: String): InventoryItemConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, query: String, sortKey: OrderSortKeys = ID, reverse: Boolean = false): OrderConnection!
  webhookSubscriptions(first: Int, after: String, last: Int, before: String): WebhookSubscriptionConnection!
  bulkOperation(id: ID!): BulkOperation
  currentBulkOperation: BulkOperation
}

input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: Int! changeFromQuantity: Int }
input InventorySetQuantitiesInput { name: String! reason: String! referenceDocumentUri: String quantities: [InventoryQuantityInput!]! }
type InventoryChange { name: String! delta: Int! quantityAfterChange: Int item: InventoryItem location: Location }
type InventoryAdjustmentGroup { id: ID! createdAt: DateTime! reason: String! referenceDocumentUri: String changes: [InventoryChange!]! }
type InventorySetQuantitiesUserError { code: String field: [String!] message: String! }
type InventorySetQuantitiesPayload { inventoryAdjustmentGroup: InventoryAdjustmentGroup userErrors: [InventorySetQuantitiesUserError!]! }

type UserError { field: [String!] message: String! }
input WebhookSubscriptionInput { uri: String callbackUrl: URL format: WebhookSubscriptionFormat includeFields: [String!] }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }
type WebhookSubscriptionDeletePayload { deletedWebhookSubscriptionId: ID userErrors: [UserError!]! }

type BulkOperationUserError { code: String field: [String!] message: String! }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }

type Mutation {
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
}
`;

export const schema = buildSchema(SCHEMA_SDL);
