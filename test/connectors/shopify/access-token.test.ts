// Client-credentials tokens: fetched once, shared through Redis, refreshed ahead of expiry,
// refetched once after a 401, never logged.
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAccessTokenSource } from '../../../src/connectors/shopify/access-token.js';
import { createMemoryTokenCache, createRedisTokenCache } from '../../../src/connectors/shopify/token-cache.js';
import { createTransport } from '../../../src/connectors/shopify/transport.js';
import { createLogCapture } from '../../helpers/fixtures.js';
import { API_PATH, buildConnector, createTestRedis, ORIGIN, operation, replyData, SHOP } from './helpers.js';

const redis = createTestRedis('shopify-tokens');
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => redis.drop());

const CREDENTIALS = { kind: 'client-credentials' as const, clientId: 'client-id-1', clientSecret: 'shpss_client_secret_value' };
const GRANT = { client_id: 'client-id-1', client_secret: 'shpss_client_secret_value', grant_type: 'client_credentials' };
const locations = replyData({ locations: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } }, 252, 2);

describe('client-credentials access tokens', () => {
  it('two workers sharing Redis fetch one token and both use it', async () => {
    nock(ORIGIN)
      .post('/admin/oauth/access_token', GRANT)
      .once()
      .reply(200, { access_token: 'shpat_first', scope: 'read_inventory', expires_in: 86_399 });
    nock(ORIGIN).matchHeader('x-shopify-access-token', 'shpat_first').post(API_PATH, operation('Locations')).times(2).reply(200, locations);
    const tokenCache = createRedisTokenCache({ redis: redis.redis, keyPrefix: `${redis.prefix}shared-tokens:` });
    const first = buildConnector(redis, { credentials: CREDENTIALS, tokenCache });
    const second = buildConnector(redis, { credentials: CREDENTIALS, tokenCache });
    await first.connector.listLocations();
    await second.connector.listLocations();
    // Cached until 80% of its lifetime, so no reader ever starts a call with a dying token.
    const ttl = await redis.redis.pttl(`${redis.prefix}shared-tokens:${SHOP}:client-id-1`);
    expect(ttl).toBeGreaterThan(0.79 * 86_399_000);
    expect(ttl).toBeLessThanOrEqual(0.8 * 86_399_000);
    for (const logs of [first.logs, second.logs]) {
      expect(logs.text()).not.toContain('shpat_first');
      expect(logs.text()).not.toContain('shpss_client_secret_value');
    }
  });

  it('a token refused with 401 is dropped, a new one fetched, and the call retried once', async () => {
    nock(ORIGIN)
      .post('/admin/oauth/access_token', GRANT)
      .reply(200, { access_token: 'shpat_revoked', expires_in: 86_399 })
      .post('/admin/oauth/access_token', GRANT)
      .reply(200, { access_token: 'shpat_fresh', expires_in: 86_399 });
    nock(ORIGIN)
      .matchHeader('x-shopify-access-token', 'shpat_revoked')
      .post(API_PATH)
      .reply(401, { errors: '[API] Invalid API key or access token' });
    nock(ORIGIN).matchHeader('x-shopify-access-token', 'shpat_fresh').post(API_PATH).reply(200, locations);
    const { connector, calls } = buildConnector(redis, { credentials: CREDENTIALS });
    expect(await connector.listLocations()).toEqual([]);
    expect(calls.map((call) => call.errorCode ?? 'ok')).toEqual(['SHOPIFY_AUTH_FAILED', 'ok']);
  });

  it('a second 401 with a fresh token is a permanent auth failure, not a loop', async () => {
    nock(ORIGIN).post('/admin/oauth/access_token').times(2).reply(200, { access_token: 'shpat_any', expires_in: 86_399 });
    nock(ORIGIN).post(API_PATH).times(2).reply(401, { errors: '[API] Invalid API key or access token' });
    await expect(buildConnector(redis, { credentials: CREDENTIALS }).connector.listLocations()).rejects.toMatchObject({
      kind: 'permanent',
      code: 'SHOPIFY_AUTH_FAILED',
    });
  });

  it('a wrong client secret is reported as an auth failure in plain words', async () => {
    nock(ORIGIN)
      .post('/admin/oauth/access_token')
      .reply(400, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const { connector, logs } = buildConnector(redis, { credentials: CREDENTIALS });
    const outcome = await connector.testConnection();
    expect(outcome).toMatchObject({ outcome: 'auth_failed', detail: expect.stringContaining('client id and secret') });
    expect(logs.text()).not.toContain('shpss_client_secret_value');
  });

  it('the token is refreshed once 80% of its lifetime has passed, and not before', async () => {
    let now = 1_000_000;
    const clock = () => now;
    nock(ORIGIN)
      .post('/admin/oauth/access_token')
      .reply(200, { access_token: 'shpat_one', expires_in: 1_000 })
      .post('/admin/oauth/access_token')
      .reply(200, { access_token: 'shpat_two', expires_in: 1_000 });
    const source = createAccessTokenSource({
      shopDomain: SHOP,
      credentials: CREDENTIALS,
      tokenCache: createMemoryTokenCache(clock),
      transport: createTransport({ shopDomain: SHOP, fetch: globalThis.fetch, timeoutMs: 2_000 }),
      log: createLogCapture().log,
      now: clock,
    });
    expect(await source.get()).toBe('shpat_one');
    now += 799_000;
    expect(await source.get()).toBe('shpat_one');
    now += 2_000;
    expect(await source.get()).toBe('shpat_two');
  });

  it('concurrent callers in one process share a single token request', async () => {
    nock(ORIGIN).post('/admin/oauth/access_token').once().delay(50).reply(200, { access_token: 'shpat_shared', expires_in: 86_399 });
    const source = createAccessTokenSource({
      shopDomain: SHOP,
      credentials: CREDENTIALS,
      tokenCache: createMemoryTokenCache(),
      transport: createTransport({ shopDomain: SHOP, fetch: globalThis.fetch, timeoutMs: 2_000 }),
      log: createLogCapture().log,
    });
    expect(await Promise.all(Array.from({ length: 5 }, () => source.get()))).toEqual(Array(5).fill('shpat_shared'));
  });
});
