// What the sync engine and reconciliation need from a store or an ERP, and nothing more.
// Connectors import nothing from db, queue, sync or http: credentials, base URL, fetch and a logger
// are passed in, so each connector can be tested with nock and against its simulator.
import type { Logger } from 'pino';

export type ConnectionTestOutcome =
  | { outcome: 'ok'; detail: string; locations?: ChannelLocation[]; warehouses?: string[] }
  | { outcome: 'auth_failed' | 'not_found' | 'unreachable' | 'tls_error' | 'invalid_response' | 'forbidden'; detail: string };

export type ChannelLocation = { externalLocationId: string; name: string };

/** One sellable item on a channel, as its catalog lists it. */
export type CatalogItem = {
  sku: string; // "" when blank on the platform
  externalProductId: string;
  externalVariantId: string;
  externalInventoryItemId?: string;
  title: string;
  manageStock: boolean;
};

/** A channel's quantity for one item at one location. */
export type ChannelLevel = {
  sku: string;
  externalVariantId: string;
  externalInventoryItemId?: string;
  externalLocationId: string;
  available: number | null; // null: the item does not track stock there
  updatedAt?: Date;
};

export type LevelWrite = {
  sku: string;
  externalVariantId: string;
  externalProductId: string;
  externalInventoryItemId?: string;
  externalLocationId: string;
  quantity: number;
  /** Compare-and-set: what we believe the channel shows now (null: skip the check). */
  expectedCurrent: number | null;
  /** Our reference for the change (movement or push id), shown in the platform's history. */
  reference: string;
};

export type LevelWriteResult =
  | { sku: string; externalLocationId: string; outcome: 'written'; quantity: number }
  | { sku: string; externalLocationId: string; outcome: 'stale'; actual: number | null } // CAS mismatch: re-read, recompute
  | { sku: string; externalLocationId: string; outcome: 'not_found' } // deleted item
  | { sku: string; externalLocationId: string; outcome: 'failed'; error: { code: string; message: string; retryable: boolean } };

export type WebhookRegistration = { id: string; topic: string; address: string };

/** A page of a streamed read. */
export type Page<T> = { items: T[]; nextCursor: string | null };

export type ChangedSince = {
  /** Order or product resources modified after `since`, as webhook-shaped payloads for the inbox. */
  events: { topic: string; resourceId: string; modifiedAt: Date; payload: string }[];
  nextCursor: string | null;
};

export type RateBudget = { available: number; maximum: number; restoreRatePerSecond: number };

export interface ChannelConnector {
  readonly kind: 'shopify' | 'woocommerce';
  testConnection(): Promise<ConnectionTestOutcome>;
  listLocations(): Promise<ChannelLocation[]>;
  listCatalog(cursor: string | null): Promise<Page<CatalogItem>>;
  readLevels(items: { sku: string; externalVariantId: string; externalInventoryItemId?: string }[]): Promise<ChannelLevel[]>;
  /** Every level of the store, streamed (bulk operation / pages), for reconciliation. */
  readAllLevels(): AsyncIterable<ChannelLevel[]>;
  /** Per-item results: one bad item never fails the others. */
  writeLevels(batch: LevelWrite[], options: { idempotencyKey: string }): Promise<LevelWriteResult[]>;
  /** Most items one writeLevels call may carry (Shopify 250, WooCommerce 100). */
  readonly maxBatchSize: number;
  registerWebhooks(callbackUrl: string): Promise<WebhookRegistration[]>;
  unregisterWebhooks(registrations: WebhookRegistration[]): Promise<void>;
  /** Safety net for missed webhooks. */
  listChangedSince(since: Date, cursor: string | null): Promise<ChangedSince>;
  /** Current rate budget, when the platform reports one. */
  rateBudget?(): Promise<RateBudget | null>;
}

export type ErpStockRow = {
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  incoming: number;
  available: number;
  unitCost?: string; // decimal as text
  name?: string;
  updatedAt: Date;
};

export type ErpMovement = {
  sku: string;
  warehouse: string;
  /** Signed quantity: negative removes stock. */
  quantity: number;
  kind: 'sale' | 'release' | 'adjustment';
  reference: string;
  occurredAt: Date;
};

export type ErpMovementResult = { outcome: 'posted' | 'duplicate'; erpReference: string; resultingOnHand?: number };

export interface ErpConnector {
  readonly kind: 'generic-rest' | 'erpnext' | 'odoo';
  testConnection(): Promise<ConnectionTestOutcome>;
  listWarehouses(): Promise<string[]>;
  /** All items with stock, paged by cursor. */
  listStock(cursor: string | null): Promise<Page<ErpStockRow>>;
  /** Changed since a time (ERPs that cannot push are polled). */
  listChangedStock(since: Date, cursor: string | null): Promise<Page<ErpStockRow>>;
  readStock(skus: string[]): Promise<ErpStockRow[]>;
  postMovement(movement: ErpMovement, idempotencyKey: string): Promise<ErpMovementResult>;
}

/** What every connector factory receives. */
export type ConnectorDeps = {
  fetch: typeof globalThis.fetch;
  log: Logger;
  /** Per-request timeout. */
  timeoutMs?: number;
};
