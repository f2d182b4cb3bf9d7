// fast-check over EVERY route the app registers (collected at runtime, so tomorrow's route is
// fuzzed without touching this file): random path parameters, query strings, headers and bodies
// never produce a 5xx, never hang, answer a 4xx in the one error shape, and an unsigned webhook body
// is never stored. /api/v1 routes are called with a valid admin token, so the input reaches the
// handlers instead of stopping at 401.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { dbTest } from '../helpers/fixtures.js';
import { createConnection, type TestConnection } from '../http/webhooks/webhook-helpers.js';
import {
  adminToken,
  appWithRoutes,
  expectNoServerError,
  hasBody,
  isApi,
  isWebhook,
  type Route,
  send,
  writableRowCounts,
} from './security-helpers.js';

let app: FastifyInstance | undefined;
const test = dbTest;

afterAll(async () => {
  await app?.close();
});

const HOSTILE = [
  "'; drop table skus; --",
  '" or 1=1 --',
  '../../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'e\u0301',
  '\u202Eevil',
  'שלום',
  '📦🚚',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: owned=1',
  '',
  ' ',
  'x'.repeat(3_000),
  '-1',
  '9007199254740993',
  '1e308',
  'NaN',
  '2026-13-45T99:99:99Z',
];

const text = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.uuid(),
  fc.integer().map(String),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
);

/** A path segment: percent-encoded text, or malformed escapes the URL decoder must refuse. */
const segment = fc.oneof(
  text.map((value) => {
    try {
      return encodeURIComponent(value) || 'x';
    } catch {
      return '%ED%A0%80'; // an unpaired surrogate, as UTF-8 bytes
    }
  }),
  fc.constantFrom('%ff', '%', '%zz', '%ED%A0%80', '..', '%2e%2e%2f', 'a%00b'),
);

const QUERY_KEYS = [
  'limit',
  'cursor',
  'from',
  'to',
  'sku',
  'connectionId',
  'status',
  'topic',
  'top',
  'problem',
  'offset',
  'before',
  'classification',
];
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), text), { maxLength: 5 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const rawQueryTail = fc.constantFrom('', '', '&&==&', '&sku=%ff', '&limit=1&limit=2', '&from=%00', '&cursor=%E2%82');

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });
const headerNames = fc.constantFrom(
  'accept',
  'accept-encoding',
  'x-request-id',
  'cookie',
  'x-csrf-token',
  'origin',
  'x-forwarded-for',
  'range',
  'if-none-match',
  'if-modified-since',
  'user-agent',
  'x-shopify-topic',
  'x-shopify-hmac-sha256',
  'x-shopify-shop-domain',
  'x-wc-webhook-signature',
  'x-stockbridge-signature',
  'x-stockbridge-event-id',
);
const headers = fc.dictionary(headerNames, fc.oneof(printable, fc.constantFrom('', 'Bearer ', 'sb_session=x', 'bytes=0-0,1-1')), {
  maxKeys: 5,
});

const FIELDS = ['kind', 'name', 'email', 'password', 'role', 'sku', 'connectionId', 'ids', 'heal', 'baseUrl', 'siteUrl', 'shopDomain'];
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(2 ** 53 + 1, -1, 1e308));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS, 'settings', 'locations', 'constructor'), fc.string({ maxLength: 8 })), tie('json'), {
      maxKeys: 5,
    }),
  ),
}));
const body = fc.oneof(
  json.map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.constantFrom('{"__proto__":{"admin":true}}', '{"role":"admin","name":"\\u0000"}', '{"sku":"\\ud800"}', '{', 'null', '[]'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  undefined,
);

test.describe('every public route under random input', () => {
  test('random path parameters, queries, headers and bodies never give a 5xx or hang; no unsigned webhook is stored', {
    timeout: 240_000,
  }, async ({ services }) => {
    const built = await appWithRoutes(services);
    app = built.app;
    const token = await adminToken(services);
    const connections: TestConnection[] = [
      await createConnection(services, 'shopify'),
      await createConnection(services, 'woocommerce'),
      await createConnection(services, 'erp'),
    ];
    const before = await writableRowCounts(services);
    const routes = built.routes;
    // The floor: each family this suite promises to cover is among the routes walked.
    for (const known of ['POST /webhooks/shopify/:connectionId', 'POST /auth/login', 'POST /api/v1/connections', 'GET /api/v1/skus/:sku']) {
      expect(routes.map((route) => `${route.method} ${route.url}`)).toContain(known);
    }

    const connectionIds = fc.oneof(fc.constantFrom(...connections.map((connection) => connection.id)), segment);
    const callFor = (route: Route) =>
      fc.record({
        params: fc.array(isWebhook(route) ? connectionIds : segment, { minLength: 4, maxLength: 4 }),
        query: fc.tuple(query, rawQueryTail).map(([q, tail]) => `${q}${tail}`),
        headers,
        body: hasBody(route) ? fc.option(body, { nil: undefined }) : fc.constant(undefined),
        contentType,
      });

    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(callFor(route), async (call) => {
          let index = 0;
          const path = route.url.replace(/:[A-Za-z]+/g, () => call.params[index++] ?? 'x').replace(/\*$/, call.params[3] ?? '');
          const url = call.query ? `${path}?${call.query}` : path;
          const requestHeaders: Record<string, string> = { ...call.headers };
          if (call.contentType && call.body !== undefined) requestHeaders['content-type'] = call.contentType;
          if (isApi(route)) requestHeaders.authorization = `Bearer ${token}`;
          const where = `${route.method} ${url.slice(0, 200)}`;
          const response = await send(
            app as FastifyInstance,
            { method: route.method as 'GET', url, headers: requestHeaders, ...(call.body === undefined ? {} : { payload: call.body }) },
            where,
          );
          expectNoServerError(response, where);
        }),
        { numRuns: hasBody(route) || isWebhook(route) ? 60 : 30 },
      );
    }

    const after = await writableRowCounts(services);
    expect(after.inbox, 'nothing unsigned was stored').toBe(before.inbox);
    expect(after.connections).toBe(before.connections);
    // The app is still whole: it answers, and the admin token still works.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });
});
