// SSRF through the connection URLs of POST /api/v1/connections: every spelling of a private,
// loopback, link-local or metadata address, in every URL a merchant can type (ERP base URL,
// WooCommerce site URL and base URL, Shopify base URL). With ALLOW_PRIVATE_ENDPOINTS=false each is
// a 400 ENDPOINT_REFUSED that says how to allow it, nothing is stored, and the loopback canary
// receives nothing. With it on, the same loopback spellings really do reach the canary: the
// refusals above are what stands between a form field and this machine.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import type { Services } from '../../src/app/services.js';
import { createTestServices, dbTest, dropQueuePrefix } from '../helpers/fixtures.js';
import { type Canary, startCanary } from './canary.js';
import { adminToken, appWithRoutes, writableRowCounts } from './security-helpers.js';

let canary: Canary;
const apps: FastifyInstance[] = [];

type Stack = { services: Services; app: FastifyInstance; token: string };

async function stackOf(services: Services): Promise<Stack> {
  const { app } = await appWithRoutes(services);
  apps.push(app);
  return { services, app, token: await adminToken(services) };
}

const test = dbTest
  .extend('strict', { scope: 'file' }, async ({ database }, { onCleanup }) => {
    canary = await startCanary();
    const services = await createTestServices(database, { ALLOW_PRIVATE_ENDPOINTS: 'false' });
    onCleanup(async () => {
      await dropQueuePrefix(services);
      await services.close();
    });
    return stackOf(services);
  })
  .extend('open', { scope: 'file' }, async ({ services }) => stackOf(services));

afterAll(async () => {
  for (const app of apps) await app.close();
  await canary?.close();
});

/** Spellings of this machine, each pointing at the canary's port. */
const loopback = (port: number) => [
  `http://127.0.0.1:${port}/`,
  `http://127.1:${port}/`,
  `http://2130706433:${port}/`,
  `http://0x7f.1:${port}/`,
  `http://0x7f000001:${port}/`,
  `http://0177.0.0.1:${port}/`,
  `http://0.0.0.0:${port}/`,
  `http://[::1]:${port}/`,
  `http://[::]:${port}/`,
  `http://[::ffff:127.0.0.1]:${port}/`,
  `http://[::ffff:7f00:1]:${port}/`,
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
  `http://localhost:${port}/`,
];

const PRIVATE = [
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[fe80::1]/',
  'http://[fd00:ec2::254]/',
  'http://[fc00::1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://2852039166/', // 169.254.169.254 as one number
];

/** Every place a URL can go in a connection body. */
const PLACES = {
  'ERP baseUrl': (url: string) => ({ kind: 'erp', erpType: 'generic-rest', name: 'erp', baseUrl: url, apiKey: 'erp-key' }),
  'WooCommerce siteUrl': (url: string) => ({
    kind: 'woocommerce',
    name: 'woo',
    siteUrl: url,
    consumerKey: 'ck_x',
    consumerSecret: 'cs_x',
    webhookSecret: 'wh_x',
  }),
  'WooCommerce baseUrl': (url: string) => ({
    kind: 'woocommerce',
    name: 'woo',
    siteUrl: 'https://93.184.216.34/',
    baseUrl: url,
    consumerKey: 'ck_x',
    consumerSecret: 'cs_x',
    webhookSecret: 'wh_x',
  }),
  'Shopify baseUrl': (url: string) => ({
    kind: 'shopify',
    name: 'shop',
    shopDomain: 'ssrf-probe.myshopify.com',
    accessToken: 'shpat_x',
    webhookSecret: 'whsec_x',
    baseUrl: url,
  }),
} as const;

const create = (stack: Stack, body: object) =>
  stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: { authorization: `Bearer ${stack.token}` }, payload: body });

test.describe('SSRF through connection URLs', () => {
  test.for(Object.keys(PLACES) as (keyof typeof PLACES)[])(
    'in the %s, every loopback, private, link-local and metadata spelling is refused and nothing is stored',
    async (place, { strict }) => {
      const before = await writableRowCounts(strict.services);
      for (const url of [...loopback(canary.port), ...PRIVATE]) {
        const response = await create(strict, PLACES[place](url));
        expect(response.statusCode, `${place} ${url}: ${response.body}`).toBe(400);
        expect(response.json().error.code, url).toBe('ENDPOINT_REFUSED');
        expect(response.json().error.message, url).toMatch(/private or loopback address .*ALLOW_PRIVATE_ENDPOINTS=true/);
      }
      expect(canary.hits).toEqual([]);
      expect(await writableRowCounts(strict.services)).toEqual(before);
    },
  );

  test('a scheme other than http(s), or credentials in the URL, are refused even when private endpoints are allowed', async ({ open }) => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_FLUSHALL',
      'ftp://10.0.0.1/',
      `http://user:pass@127.0.0.1:${canary.port}/`,
    ]) {
      const response = await create(open, PLACES['ERP baseUrl'](url));
      expect(response.statusCode, url).toBe(400);
      expect(['ENDPOINT_REFUSED', 'VALIDATION_FAILED'], `${url}: ${response.body}`).toContain(response.json().error.code);
    }
    expect(canary.hits).toEqual([]);
  });

  test('with ALLOW_PRIVATE_ENDPOINTS=true the same spellings are let through, and really reach this machine', async ({ open }) => {
    const before = await writableRowCounts(open.services);
    // nock (test/helpers/setup-file.ts) lets tests open connections only to 127.0.0.1 and
    // localhost, so this half keeps the spellings that normalise to those (every IPv4 form).
    const reachable = loopback(canary.port).filter((url) => ['127.0.0.1', 'localhost'].includes(new URL(url).hostname));
    expect(reachable.length).toBeGreaterThanOrEqual(6);
    for (const url of reachable) {
      const hitsBefore = canary.hits.length;
      const response = await create(open, PLACES['ERP baseUrl'](url));
      expect(response.json().error?.code, `${url}: ${response.body}`).toBe('CONNECTION_TEST_FAILED');
      expect(canary.hits.length, `${url} ${response.body}`).toBeGreaterThan(hitsBefore);
    }
    expect((await writableRowCounts(open.services)).connections).toBe(before.connections);
    canary.hits.length = 0;
  });
});
