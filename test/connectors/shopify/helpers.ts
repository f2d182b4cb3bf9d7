// Shared pieces for the Shopify connector tests: a Redis prefix per test file, connectors wired to
// nock or to the simulator, and nock interceptors that match an Admin GraphQL operation by name.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import type { ShopifyCredentials } from '../../../src/connections/types.js';
import type { ChannelConnector } from '../../../src/connectors/contract.js';
import type { ShopifyCallRecord } from '../../../src/connectors/shopify/client.js';
import { createShopifyConnector, type ShopifyConnectorOptions } from '../../../src/connectors/shopify/connector.js';
import { type CostBudget, createCostBudget } from '../../../src/connectors/shopify/cost-budget.js';
import { createRedisTokenCache, type TokenCache } from '../../../src/connectors/shopify/token-cache.js';
import { createLogCapture } from '../../helpers/fixtures.js';

export const SHOP = 'nock-shop.myshopify.com';
export const ORIGIN = `https://${SHOP}`;
export const API_PATH = '/admin/api/2026-04/graphql.json';
export const STATIC_TOKEN = 'shpat_static_token_for_tests_0001';

/** A Redis connection and a key prefix unique to one test file; drop() deletes its keys. */
export function createTestRedis(label: string) {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `test-${label}-${randomUUID()}:`;
  return {
    redis,
    prefix,
    async drop() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export type Harness = {
  connector: ChannelConnector;
  calls: ShopifyCallRecord[];
  waits: { cost: number; waitMs: number }[];
  budget: CostBudget;
  tokenCache: TokenCache;
  logs: ReturnType<typeof createLogCapture>;
};

export function buildConnector(
  redis: { redis: Redis; prefix: string },
  overrides: Partial<ShopifyConnectorOptions> & { credentials?: ShopifyCredentials } = {},
): Harness {
  const logs = createLogCapture();
  const calls: ShopifyCallRecord[] = [];
  const waits: { cost: number; waitMs: number }[] = [];
  const scope = randomUUID();
  const budget =
    overrides.budget ??
    createCostBudget({
      redis: redis.redis,
      keyPrefix: `${redis.prefix}budget-${scope}:`,
      onWait: (event) => waits.push({ cost: event.cost, waitMs: event.waitMs }),
    });
  const tokenCache = overrides.tokenCache ?? createRedisTokenCache({ redis: redis.redis, keyPrefix: `${redis.prefix}token-${scope}:` });
  const connector = createShopifyConnector({
    connectionId: 'conn-test',
    shopDomain: SHOP,
    apiVersion: '2026-04',
    credentials: { kind: 'static', accessToken: STATIC_TOKEN, webhookSecret: 'whsec_test' },
    fetch: globalThis.fetch,
    log: logs.log,
    timeoutMs: 2_000,
    bulkPollIntervalMs: 1,
    sleep: async () => {},
    onCall: (record) => calls.push(record),
    ...overrides,
    budget,
    tokenCache,
  });
  return { connector, calls, waits, budget, tokenCache, logs };
}

export const cost = (requested: number, actual: number | null = requested, currentlyAvailable = 1_990) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: 2_000, currentlyAvailable, restoreRate: 100 },
  },
});

type GraphqlBody = { query: string; variables?: Record<string, unknown> };

/** Matches a GraphQL POST whose document declares `operation` (and, optionally, more). */
export function operation(name: string, extra?: (body: GraphqlBody) => boolean) {
  return (body: GraphqlBody) => new RegExp(`^\\s*(query|mutation) ${name}\\b`).test(body.query) && (extra ? extra(body) : true);
}

export function shopify() {
  return nock(ORIGIN).matchHeader('x-shopify-access-token', STATIC_TOKEN);
}

export function replyData(data: unknown, requested = 10, actual = requested, available = 1_990) {
  return { data, extensions: cost(requested, actual, available) };
}
