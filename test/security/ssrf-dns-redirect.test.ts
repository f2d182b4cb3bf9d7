// SSRF by name and by redirect, through the connections service and the connector factory wired
// with an endpoint guard whose DNS lookup the test controls:
// - names that resolve to private, loopback, link-local, metadata or ULA addresses are refused at
//   save time, and nothing is stored;
// - a "public" server (loopback, made public for this test only by the injected lookup) that
//   answers 302 to 127.0.0.1 is never followed, for the ERP, Shopify and WooCommerce connectors;
// - a name that turns private between the save and the call (DNS rebinding) is refused at call time.
import { randomUUID } from 'node:crypto';
import { afterAll, expect } from 'vitest';
import type { Services } from '../../src/app/services.js';
import { createConnections } from '../../src/connections/connections-service.js';
import { createConnectorFactory } from '../../src/connections/create-connector-factory.js';
import type { CreateConnectionInput } from '../../src/connections/create-input.js';
import { createEndpointGuard, type Lookup } from '../../src/connections/endpoint-guard.js';
import { dbTest } from '../helpers/fixtures.js';
import { type Canary, startCanary } from './canary.js';
import { writableRowCounts } from './security-helpers.js';

let inner: Canary;
let redirector: Canary;

const test = dbTest.extend('servers', { scope: 'file' }, async () => {
  inner = await startCanary();
  redirector = await startCanary((_request, response) => {
    response.writeHead(302, { location: `http://127.0.0.1:${inner.port}/latest/meta-data/iam/security-credentials/` }).end();
  });
  return { inner, redirector };
});

afterAll(async () => {
  await redirector?.close();
  await inner?.close();
});

const PUBLIC = '93.184.216.34';

/** A resolver that answers from a table, or from a function of the call count (rebinding). */
function dns(table: Record<string, string[] | ((call: number) => string[])>): Lookup {
  const calls = new Map<string, number>();
  return async (hostname) => {
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const call = (calls.get(hostname) ?? 0) + 1;
    calls.set(hostname, call);
    const addresses = typeof entry === 'function' ? entry(call) : entry;
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** The connections service exactly as the app builds it, but with this guard everywhere. */
function connectionsWith(services: Services, options: { allowPrivate: boolean; lookup: Lookup }) {
  const guard = createEndpointGuard(options);
  const factory = createConnectorFactory({
    cipher: services.cipher,
    redis: services.redis,
    keyPrefix: services.config.queuePrefix,
    guard,
    log: services.log,
    metrics: services.metrics,
    shopifyApiVersion: services.config.shopifyApiVersion,
    timeoutMs: 5_000,
  });
  const connections = createConnections({
    prisma: services.prisma,
    cipher: services.cipher,
    guard,
    factory,
    log: services.log,
    publicUrl: services.config.publicUrl,
    allowBaseUrlOverride: true,
    shopifyApiVersion: services.config.shopifyApiVersion,
  });
  return { guard, connections };
}

const bodies = (url: string): Record<string, CreateConnectionInput> => ({
  erp: { kind: 'erp', erpType: 'generic-rest', name: 'erp', baseUrl: url, apiKey: 'erp-key' },
  woocommerce: { kind: 'woocommerce', name: 'woo', siteUrl: url, consumerKey: 'ck_x', consumerSecret: 'cs_x', webhookSecret: 'wh_x' },
  shopify: {
    kind: 'shopify',
    name: 'shop',
    shopDomain: 'dns-probe.myshopify.com',
    accessToken: 'shpat_x',
    webhookSecret: 'w',
    baseUrl: url,
  },
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(
    () => null,
    (caught: unknown) => caught,
  )) as { code: string; message: string } | null;
  if (!error) throw new Error('expected the connection to be refused');
  return error;
}

test.describe('SSRF by DNS name and by redirect', () => {
  test.for([
    ['metadata.attacker.test', ['169.254.169.254']],
    ['loopback.attacker.test', ['127.0.0.1']],
    ['private.attacker.test', ['10.1.2.3']],
    ['v6-loopback.attacker.test', ['::1']],
    ['ula.attacker.test', ['fd12:3456::1']],
    ['link-local.attacker.test', ['fe80::1']],
    ['mapped.attacker.test', ['::ffff:192.168.0.1']],
    ['mixed.attacker.test', [PUBLIC, '10.0.0.5']],
  ] as const)(
    'a name resolving to %s → %j is refused for every connection kind, nothing stored',
    async ([name, addresses], { servers, services }) => {
      expect(servers.inner.port).toBeGreaterThan(0);
      const { connections } = connectionsWith(services, { allowPrivate: false, lookup: dns({ [name]: [...addresses] }) });
      const before = await writableRowCounts(services);
      for (const [kind, body] of Object.entries(bodies(`https://${name}/`))) {
        const error = await refusal(connections.create(body, 'user:test'));
        expect(error.code, kind).toBe('ENDPOINT_REFUSED');
        expect(error.message, kind).toContain(addresses.find((address) => address !== PUBLIC));
      }
      expect(await writableRowCounts(services)).toEqual(before);
    },
  );

  test('the same name is let through when ALLOW_PRIVATE_ENDPOINTS=true (and then really reaches this machine)', async ({
    servers,
    services,
  }) => {
    const { connections } = connectionsWith(services, { allowPrivate: true, lookup: dns({ localhost: ['127.0.0.1'] }) });
    const error = await refusal(
      connections.create(bodies(`http://localhost:${servers.inner.port}/`).erp as CreateConnectionInput, 'user:test'),
    );
    expect(error.code).toBe('CONNECTION_TEST_FAILED');
    expect(servers.inner.hits.length).toBeGreaterThan(0);
    servers.inner.hits.length = 0;
  });

  test('the guarded fetch hands back a redirect to 127.0.0.1 instead of following it', async ({ servers }) => {
    const guard = createEndpointGuard({ allowPrivate: false, lookup: dns({ localhost: [PUBLIC] }) });
    const response = await guard.guardFetch(globalThis.fetch)(`http://localhost:${servers.redirector.port}/wp-json/`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('127.0.0.1');
    expect(servers.redirector.hits.length).toBeGreaterThan(0);
    expect(servers.inner.hits).toEqual([]);
  });

  test.for(['erp', 'shopify', 'woocommerce'])(
    'a %s endpoint that redirects to 127.0.0.1 fails its connection test; the redirect is never followed, nothing stored',
    async (kind, { servers, services }) => {
      const { connections } = connectionsWith(services, { allowPrivate: false, lookup: dns({ localhost: [PUBLIC] }) });
      const before = await writableRowCounts(services);
      const hitsBefore = servers.redirector.hits.length;
      const innerBefore = servers.inner.hits.length;
      const error = await refusal(
        connections.create(bodies(`http://localhost:${servers.redirector.port}/`)[kind] as CreateConnectionInput, 'user:test'),
      );
      expect(error.code).toBe('CONNECTION_TEST_FAILED');
      expect(servers.redirector.hits.length, 'the public server was asked').toBeGreaterThan(hitsBefore);
      expect(servers.inner.hits.slice(innerBefore), 'the redirect target was never called').toEqual([]);
      expect(await writableRowCounts(services)).toEqual(before);
    },
  );

  test.for(['erp', 'shopify', 'woocommerce'])(
    'a %s host that turns private after the save check (DNS rebinding) is refused when it is called',
    async (kind, { servers, services }) => {
      // First answer public (the save-time check), every later one loopback (the call).
      const lookup = dns({ localhost: (call) => (call === 1 ? [PUBLIC] : ['127.0.0.1']) });
      const { connections } = connectionsWith(services, { allowPrivate: false, lookup });
      const hitsBefore = servers.inner.hits.length;
      const error = await refusal(
        connections.create(bodies(`http://localhost:${servers.inner.port}/${randomUUID()}`)[kind] as CreateConnectionInput, 'user:test'),
      );
      expect(error.code).toBe('CONNECTION_TEST_FAILED');
      expect(error.message).toMatch(/refused|private or loopback/i);
      expect(servers.inner.hits.length).toBe(hitsBefore);
    },
  );
});
