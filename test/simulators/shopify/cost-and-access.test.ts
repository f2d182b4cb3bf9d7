// The simulator's cost model, throttling, knobs and access control, checked over raw HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../src/simulators/shopify/server.js';
import { gql, SECRET, STORE, TOKEN } from './helpers.js';

let sim: ShopifySimulator;
let shopCount = 0;

/** A fresh shop per test, so buckets and knobs never leak between tests. */
function newShop(extra: Record<string, unknown> = {}) {
  shopCount += 1;
  const domain = `cost-${shopCount}.myshopify.com`;
  sim.control.addShop({ domain, accessToken: TOKEN, ...extra });
  sim.control.seed(domain, STORE);
  return domain;
}

beforeAll(async () => {
  sim = await startShopifySimulator({ webhookSecret: SECRET, shops: [] });
});
afterAll(() => sim.close());

describe('query cost', () => {
  it('requested cost follows first (2 + first × node), and the bucket is refunded to the actual cost', async () => {
    const shop = newShop();
    const answer = await gql(sim, shop, 'query { productVariants(first: 10) { nodes { id sku inventoryItem { id } } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data.productVariants.nodes).toHaveLength(2);
    // Requested: 2 + 10 × (variant 1 + item 1) = 22. Actual: 2 + 2 × 2 = 6.
    expect(answer.body.extensions.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 6 });
    const status = answer.body.extensions.cost.throttleStatus;
    expect(status).toMatchObject({ maximumAvailable: 2_000, restoreRate: 100 });
    // 2,000 − 22 + 16 refunded, plus whatever restored while it ran (at most the full bucket).
    expect(status.currentlyAvailable).toBeGreaterThanOrEqual(1_994);
    expect(status.currentlyAvailable).toBeLessThanOrEqual(2_000);
  });

  it('lists are sized by their list argument and mutations cost the configured default of 10', async () => {
    const shop = newShop();
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on ProductVariant { id inventoryItem { id } } } }';
    const answer = await gql(sim, shop, query, {
      ids: ['gid://shopify/ProductVariant/1', 'gid://shopify/ProductVariant/2', 'gid://shopify/ProductVariant/3'],
    });
    expect(answer.body.extensions.cost).toMatchObject({ requestedQueryCost: 6, actualQueryCost: 0 });
    const mutation = await gql(
      sim,
      shop,
      'mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") { userErrors { message } } }',
    );
    expect(mutation.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it.each([
    ['standard', 2_000, 100],
    ['advanced', 4_000, 200],
    ['plus', 20_000, 1_000],
  ] as const)('the %s plan has a %i-point bucket restoring %i points a second', async (plan, bucket, restore) => {
    const shop = newShop({ plan });
    const answer = await gql(sim, shop, 'query { shop { name } }');
    expect(answer.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: bucket, restoreRate: restore });
  });

  it('a call the bucket cannot afford is THROTTLED as HTTP 200 with no data, the cost status, and nothing charged', async () => {
    // 25 points: 22 requested, refunded to the actual 4, leaves 21 — one point short of a second call.
    const shop = newShop({ plan: { bucketSize: 25, restoreRate: 1 } });
    const first = await gql(sim, shop, 'query { locations(first: 20) { nodes { id } } }');
    expect(first.body.extensions.cost.requestedQueryCost).toBe(22);
    const throttled = await gql(sim, shop, 'query { locations(first: 20) { nodes { id } } }');
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([
      expect.objectContaining({ message: 'Throttled', extensions: expect.objectContaining({ code: 'THROTTLED' }) }),
    ]);
    expect(throttled.body.extensions.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: null });
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(22);
    expect(sim.control.calls(shop).map((call) => call.outcome)).toEqual(['ok', 'throttled']);
  });

  it('a single query above 1,000 points is refused with MAX_COST_EXCEEDED before it runs', async () => {
    const shop = newShop();
    const answer = await gql(
      sim,
      shop,
      'query { productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 10) { nodes { id } } } } } }',
    );
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 1_000 });
    expect(answer.body.data).toBeUndefined();
  });

  it('connections without first or last are refused, as on Shopify', async () => {
    const shop = newShop();
    const answer = await gql(sim, shop, 'query { productVariants { nodes { id } } }');
    expect(answer.body.errors[0].message).toMatch(/first or last/);
  });
});

describe('knobs and access', () => {
  it('errorRate and throttleStormRate answer 503 and 429 (with Retry-After), and are logged', async () => {
    const shop = newShop();
    sim.control.setKnobs({ errorRate: 1 });
    expect((await gql(sim, shop, 'query { shop { name } }')).status).toBe(503);
    sim.control.setKnobs({ errorRate: 0, throttleStormRate: 1 });
    const storm = await gql(sim, shop, 'query { shop { name } }');
    expect(storm.status).toBe(429);
    expect(storm.headers.get('retry-after')).toBe('2.0');
    sim.control.setKnobs({ throttleStormRate: 0 });
    expect((await gql(sim, shop, 'query { shop { name } }')).status).toBe(200);
    expect(sim.control.calls(shop).map((call) => call.outcome)).toEqual(['injected_error', 'injected_429', 'ok']);
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'shpat_wrong'],
  ])('%s is answered 401 with Shopify’s message', async (_, token) => {
    const shop = newShop();
    const answer = await gql(sim, shop, 'query { shop { name } }', {}, { token });
    expect(answer.status).toBe(401);
    expect(answer.body.errors).toMatch(/Invalid API key or access token/);
  });

  it('an unknown shop is 404', async () => {
    expect((await gql(sim, 'nobody.myshopify.com', 'query { shop { name } }')).status).toBe(404);
  });

  it('the client-credentials grant issues an expiring token that works; a wrong secret gets 400', async () => {
    const shop = newShop({ clientId: 'cid-9', clientSecret: 'csecret-9', tokenTtlSeconds: 3_600 });
    const grant = (secret: string) =>
      fetch(`${sim.shopUrl(shop)}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'cid-9', client_secret: secret, grant_type: 'client_credentials' }),
      });
    const refused = await grant('wrong');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
    const granted = (await (await grant('csecret-9')).json()) as { access_token: string; expires_in: number };
    expect(granted.expires_in).toBe(3_600);
    expect(
      (await gql(sim, shop, 'query { shop { myshopifyDomain } }', {}, { token: granted.access_token })).body.data.shop.myshopifyDomain,
    ).toBe(shop);
  });

  it('an expired token is refused', async () => {
    const shop = newShop({ clientId: 'cid-0', clientSecret: 'csecret-0', tokenTtlSeconds: 0 });
    const response = await fetch(`${sim.shopUrl(shop)}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'cid-0', client_secret: 'csecret-0', grant_type: 'client_credentials' }),
    });
    const { access_token } = (await response.json()) as { access_token: string };
    expect((await gql(sim, shop, 'query { shop { name } }', {}, { token: access_token })).status).toBe(401);
  });
});
