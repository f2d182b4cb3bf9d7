// How every way a Shopify call can fail reaches the engine: one typed error with a stable code
// (and the wait the platform asked for), never a raw fetch error; and connection tests in words.
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, PermanentError, RetryableError, ThrottledError } from '../../../src/connectors/errors.js';
import { startBrokenEndpoint } from './broken-endpoint.js';
import { API_PATH, buildConnector, createTestRedis, operation, replyData, SHOP, STATIC_TOKEN, shopify } from './helpers.js';

const redis = createTestRedis('shopify-errors');
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => redis.drop());

const SHOP_REPLY = replyData({ shop: { id: 'gid://shopify/Shop/1', name: 'Nock shop', myshopifyDomain: SHOP } }, 1);
const THROTTLED = {
  errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
  // 252 requested, 52 available, 1,000 points/s: Shopify's wait is (252 − 52) / 1,000 s = 200 ms.
  extensions: {
    cost: {
      requestedQueryCost: 252,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2_000, currentlyAvailable: 52, restoreRate: 1_000 },
    },
  },
};

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('Shopify throttling', () => {
  it('a THROTTLED answer is retried only after the budget waited the computed time, then succeeds', async () => {
    shopify()
      .post(API_PATH, operation('Locations'))
      .reply(200, THROTTLED)
      .post(API_PATH, operation('Locations'))
      .reply(
        200,
        replyData(
          {
            locations: {
              nodes: [{ id: 'gid://shopify/Location/1', name: 'Warehouse', isActive: true }],
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
          252,
          3,
        ),
      );
    const { connector, waits, calls } = buildConnector(redis);
    expect(await connector.listLocations()).toEqual([{ externalLocationId: 'gid://shopify/Location/1', name: 'Warehouse' }]);
    expect(calls.map((c) => [c.operation, c.errorCode ?? 'ok'])).toEqual([
      ['Locations', 'SHOPIFY_THROTTLED'],
      ['Locations', 'ok'],
    ]);
    // The retry waited for the 200 missing points at 1,000/s before it was sent.
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]?.cost).toBe(252);
    expect(waits[0]?.waitMs).toBeGreaterThan(0);
    expect(waits[0]?.waitMs).toBeLessThanOrEqual(200);
  });

  it('THROTTLED three times in a row becomes a ThrottledError carrying the computed wait', async () => {
    shopify().post(API_PATH, operation('Locations')).times(3).reply(200, THROTTLED);
    const { connector, calls } = buildConnector(redis);
    const error = await failureOf(connector.listLocations());
    expect(calls).toHaveLength(3);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.code).toBe('SHOPIFY_THROTTLED');
    expect(error.retryAfterMs).toBe(200);
  }, 10_000);

  it('HTTP 429 becomes a ThrottledError with Retry-After in milliseconds', async () => {
    shopify()
      .post(API_PATH)
      .reply(429, { errors: 'Exceeded 2 calls per second for api client.' }, { 'Retry-After': '2.0', 'X-Request-Id': 'req-429' });
    const error = await failureOf(buildConnector(redis).connector.listLocations());
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ code: 'SHOPIFY_HTTP_429', retryAfterMs: 2_000, status: 429, requestId: 'req-429' });
  });
});

describe('Shopify HTTP and network failures', () => {
  it.each([
    [500, 'retryable', 'SHOPIFY_HTTP_5XX'],
    [503, 'retryable', 'SHOPIFY_HTTP_5XX'],
    [401, 'permanent', 'SHOPIFY_AUTH_FAILED'],
    [403, 'permanent', 'SHOPIFY_FORBIDDEN'],
    [404, 'permanent', 'SHOPIFY_NOT_FOUND'],
    [422, 'permanent', 'SHOPIFY_HTTP_4XX'],
  ] as const)('HTTP %i is %s with code %s', async (status, kind, code) => {
    shopify().post(API_PATH).reply(status, { errors: 'nope' });
    const error = await failureOf(buildConnector(redis).connector.listLocations());
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  // nock 15 cannot fail a fetch at the socket (replyWithError hangs until the timeout), so these use real loopback sockets.
  it.each([
    ['refuses connections', 'retryable', 'SHOPIFY_UNREACHABLE', 'refused'],
    ['drops the connection', 'retryable', 'SHOPIFY_UNREACHABLE', 'reset'],
    ['never answers', 'retryable', 'SHOPIFY_TIMEOUT', 'silent'],
    ['speaks plain HTTP where TLS was expected', 'permanent', 'SHOPIFY_TLS_ERROR', 'plain'],
  ] as const)('a store that %s is a %s %s, never a raw fetch error', async (_, kind, code, behaviour) => {
    const endpoint = await startBrokenEndpoint(behaviour);
    try {
      const error = await failureOf(buildConnector(redis, { baseUrl: endpoint.url, timeoutMs: 300 }).connector.listLocations());
      expect(error.kind).toBe(kind);
      expect(error.code).toBe(code);
    } finally {
      await endpoint.close();
    }
  });

  it('GraphQL errors in a 200 answer are a permanent SHOPIFY_GRAPHQL_ERROR with the message', async () => {
    shopify()
      .post(API_PATH)
      .reply(200, { errors: [{ message: "Field 'bogus' doesn't exist on type 'Shop'", extensions: { code: 'undefinedField' } }] });
    const error = await failureOf(buildConnector(redis).connector.listLocations());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('SHOPIFY_GRAPHQL_ERROR');
    expect(error.message).toContain("Field 'bogus'");
  });

  it('an answer missing fields the schema promises is a retryable SHOPIFY_INVALID_RESPONSE, not a TypeError', async () => {
    shopify()
      .post(API_PATH, operation('Locations'))
      .reply(200, replyData({ shop: null }, 252, 2));
    const error = await failureOf(buildConnector(redis).connector.listLocations());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'SHOPIFY_INVALID_RESPONSE', context: { operation: 'listLocations' } });
  });

  it('an answer that is not JSON is a retryable SHOPIFY_INVALID_RESPONSE', async () => {
    shopify().post(API_PATH).reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' });
    const error = await failureOf(buildConnector(redis).connector.listLocations());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('SHOPIFY_INVALID_RESPONSE');
  });
});

describe('Shopify connection test outcomes', () => {
  it.each([
    [401, 'auth_failed', /did not accept the credentials/],
    [403, 'forbidden', /missing permissions.*read_inventory/],
    [404, 'not_found', /No Shopify store answers at nock-shop/],
    [503, 'unreachable', /temporarily unavailable/],
  ] as const)('a store answering HTTP %i reports %s in plain words', async (status, outcome, detail) => {
    nock(`https://${SHOP}`).post(API_PATH).reply(status, { errors: 'nope' });
    const { connector, logs } = buildConnector(redis);
    const result = await connector.testConnection();
    expect(result.outcome).toBe(outcome);
    expect(result.detail).toMatch(detail);
    expect(logs.text()).not.toContain(STATIC_TOKEN);
  });

  it.each([
    ['refused', 'unreachable', /could not be reached/],
    ['silent', 'unreachable', /could not be reached.*did not answer within 300 ms/],
    ['plain', 'tls_error', /secure \(TLS\) connection/],
  ] as const)('a store whose endpoint is %s reports %s in plain words', async (behaviour, outcome, detail) => {
    const endpoint = await startBrokenEndpoint(behaviour);
    try {
      const result = await buildConnector(redis, { baseUrl: endpoint.url, timeoutMs: 300 }).connector.testConnection();
      expect(result.outcome).toBe(outcome);
      expect(result.detail).toMatch(detail);
    } finally {
      await endpoint.close();
    }
  });

  it('a healthy store reports ok with its locations, and the request carries the pinned version and token', async () => {
    shopify()
      .post(API_PATH, operation('ShopInfo'))
      .reply(200, SHOP_REPLY)
      .post(API_PATH, operation('Locations'))
      .reply(
        200,
        replyData(
          {
            locations: {
              nodes: [{ id: 'gid://shopify/Location/7', name: 'Main', isActive: true }],
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
          252,
          3,
        ),
      );
    const { connector, calls } = buildConnector(redis);
    const result = await connector.testConnection();
    expect(result).toEqual({
      outcome: 'ok',
      detail: 'Connected to Nock shop (nock-shop.myshopify.com), 1 location.',
      locations: [{ externalLocationId: 'gid://shopify/Location/7', name: 'Main' }],
    });
    expect(calls.map((call) => [call.operation, call.requestedCost, call.actualCost])).toEqual([
      ['ShopInfo', 1, 1],
      ['Locations', 252, 3],
    ]);
  });
});
