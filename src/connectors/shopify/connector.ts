// The Shopify channel connector: Admin GraphQL at a pinned API version, over a per-connection
// fetch (base-URL override for simulators), drawing on a cost budget shared by every worker.
// It imports nothing from db, queue, sync or http: everything arrives in the options.
import type { ShopifyCredentials } from '../../connections/types.js';
import type { ChannelConnector, ChannelLevel, ChannelLocation, ConnectorDeps, LevelWrite, WebhookRegistration } from '../contract.js';
import { RetryableError } from '../errors.js';
import { createAccessTokenSource } from './access-token.js';
import { readLevelsInBulk } from './bulk-levels.js';
import { listCatalog, listLocations } from './catalog.js';
import { listChangedOrders } from './changed-orders.js';
import { createShopifyGraphql, type ShopifyCallRecord } from './client.js';
import { testConnection } from './connection-test.js';
import type { CostBudget } from './cost-budget.js';
import { VARIANTS_COUNT_COST, VARIANTS_COUNT_QUERY } from './queries.js';
import { readActual, readLevelPages, readVariantLevels } from './read-levels.js';
import { asConnectorError } from './response-errors.js';
import type { TokenCache } from './token-cache.js';
import { createTransport } from './transport.js';
import { registerWebhooks, unregisterWebhooks } from './webhook-subscriptions.js';
import { MAX_SET_QUANTITIES, writeLevels } from './write-levels.js';

export const DEFAULT_SHOPIFY_API_VERSION = '2026-04';

export type ShopifyConnectorOptions = ConnectorDeps & {
  connectionId: string;
  shopDomain: string;
  apiVersion?: string;
  credentials: ShopifyCredentials;
  /** Replaces https://{shop} (simulators, test servers); its path is kept as a prefix. */
  baseUrl?: string;
  tokenCache: TokenCache;
  budget: CostBudget;
  /** Every HTTP call, for metrics and the channel-call log. */
  onCall?: (record: ShopifyCallRecord) => void;
  /** From this many variants on, readAllLevels uses a bulk operation instead of pages. */
  bulkThreshold?: number;
  /** Upper bound on page sizes (tests use small pages to exercise paging). */
  pageSize?: number;
  bulkPollIntervalMs?: number;
  bulkMaxWaitMs?: number;
  /** How long the list of locations is reused to size level queries. */
  locationsTtlMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whatever a method runs into leaves it as a typed connector error. */
function guarded<A extends unknown[], R>(operation: string, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (error) {
      throw asConnectorError(error, operation);
    }
  };
}

async function* guardedStream<T>(operation: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw asConnectorError(error, operation);
  }
}

export function createShopifyConnector(options: ShopifyConnectorOptions): ChannelConnector {
  const { shopDomain } = options;
  const log = options.log.child({ module: 'shopify', connectionId: options.connectionId, shop: shopDomain });
  const sleep = options.sleep ?? defaultSleep;
  const pageSize = options.pageSize ?? 250;
  const transport = createTransport({ shopDomain, baseUrl: options.baseUrl, fetch: options.fetch, timeoutMs: options.timeoutMs ?? 15_000 });
  const tokens = createAccessTokenSource({ shopDomain, credentials: options.credentials, tokenCache: options.tokenCache, transport, log });
  const graphql = createShopifyGraphql({
    shopDomain,
    apiVersion: options.apiVersion ?? DEFAULT_SHOPIFY_API_VERSION,
    transport,
    tokens,
    budget: options.budget,
    log,
    onCall: options.onCall,
  });

  let locationsMemo: { at: number; locations: ChannelLocation[] } | null = null;
  async function cachedLocations(): Promise<ChannelLocation[]> {
    if (locationsMemo && Date.now() - locationsMemo.at < (options.locationsTtlMs ?? 300_000)) return locationsMemo.locations;
    const locations = await listLocations(graphql);
    locationsMemo = { at: Date.now(), locations };
    return locations;
  }
  const readDeps = { graphql, locationCount: async () => (await cachedLocations()).length };

  async function* readAllLevels(): AsyncGenerator<ChannelLevel[]> {
    const { data } = await graphql.request<{ productVariantsCount: { count: number; precision: string } | null }>({
      operation: 'VariantsCount',
      query: VARIANTS_COUNT_QUERY,
      estimatedCost: VARIANTS_COUNT_COST,
    });
    const count = data.productVariantsCount;
    const large = count?.precision !== 'EXACT' || count.count >= (options.bulkThreshold ?? 2_000);
    log.info({ variants: count?.count, bulk: large }, 'reading every Shopify level');
    if (!large) {
      yield* readLevelPages(readDeps, pageSize);
      return;
    }
    yield* readLevelsInBulk({
      graphql,
      transport,
      log,
      sleep,
      pollIntervalMs: options.bulkPollIntervalMs ?? 2_000,
      maxWaitMs: options.bulkMaxWaitMs ?? 30 * 60_000,
      downloadTimeoutMs: 10 * 60_000,
    });
  }

  return {
    kind: 'shopify',
    maxBatchSize: MAX_SET_QUANTITIES,
    testConnection: async () => {
      const outcome = await testConnection(graphql, shopDomain);
      if (outcome.outcome === 'ok' && outcome.locations) locationsMemo = { at: Date.now(), locations: outcome.locations };
      return outcome;
    },
    listLocations: guarded('listLocations', cachedLocations),
    listCatalog: guarded('listCatalog', (cursor: string | null) => listCatalog(graphql, cursor, pageSize)),
    readLevels: guarded('readLevels', (items: { externalVariantId: string }[]) =>
      readVariantLevels(
        readDeps,
        items.map((item) => item.externalVariantId),
      ),
    ),
    readAllLevels: () => guardedStream('readAllLevels', readAllLevels()),
    writeLevels: guarded('writeLevels', (batch: LevelWrite[], { idempotencyKey }: { idempotencyKey: string }) =>
      writeLevels({ graphql, readActual: (writes) => readActual(readDeps, writes) }, batch, idempotencyKey),
    ),
    registerWebhooks: guarded('registerWebhooks', (callbackUrl: string) => registerWebhooks(graphql, log, callbackUrl)),
    unregisterWebhooks: guarded('unregisterWebhooks', (registrations: WebhookRegistration[]) => unregisterWebhooks(graphql, registrations)),
    listChangedSince: guarded('listChangedSince', (since: Date, cursor: string | null) =>
      listChangedOrders(graphql, since, cursor, pageSize),
    ),
    rateBudget: async () => {
      try {
        return await options.budget.read(shopDomain);
      } catch (error) {
        throw new RetryableError('The shared Shopify cost budget (Redis) is unavailable', {
          code: 'SHOPIFY_BUDGET_UNAVAILABLE',
          context: { reason: (error as Error).message },
        });
      }
    },
  };
}
