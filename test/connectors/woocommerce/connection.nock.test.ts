// Connection test outcomes in plain words, and webhook registration (reuse, undo on failure,
// reactivation) against exact nock fixtures.
import nock from 'nock';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createWooCommerceConnector } from '../../../src/connectors/woocommerce/connector.js';
import { API, createTestConnector, KEY, pages, product, SECRET, SITE, store, WEBHOOK_SECRET, webhook } from './nock-helpers.js';

afterEach(() => {
  nock.cleanAll();
});

const wooError = (status: number, code: string, message: string) => ({ code, message, data: { status } });

describe('WooCommerce connection test (nock)', () => {
  it('a read/write key: ok, with the product count and one location', async () => {
    const { connector } = createTestConnector();
    store()
      .get(`${API}/products`)
      .query({ per_page: '1' })
      .reply(200, [product({ id: 1 })], pages(42, 42));
    const probe = store()
      .post(`${API}/products/batch`, (body) => Object.keys(body).length === 0)
      .reply(200, []);
    expect(await connector.testConnection()).toEqual({
      outcome: 'ok',
      detail: 'Connected to WooCommerce (42 products); the key can read and write.',
      locations: [{ externalLocationId: 'default', name: 'shop.example.com' }],
    });
    expect(probe.isDone()).toBe(true);
  });

  type Case = { name: string; arrange: () => void; outcome: string; detail: RegExp };
  const list = () => store().get(`${API}/products`).query({ per_page: '1' });
  const cases: Case[] = [
    {
      name: 'a read-only key',
      arrange: () => {
        list().reply(200, [], pages(0, 0));
        store()
          .post(`${API}/products/batch`)
          .reply(401, wooError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.'));
      },
      outcome: 'forbidden',
      detail: /Read\/Write/,
    },
    {
      name: 'a wrong key',
      arrange: () => list().reply(401, wooError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.')),
      outcome: 'auth_failed',
      detail: /Consumer key is invalid/,
    },
    {
      name: 'credentials the server dropped',
      arrange: () => list().reply(401, wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.')),
      outcome: 'auth_failed',
      detail: /Authorization header/,
    },
    {
      name: 'a user without rights',
      arrange: () => list().reply(403, wooError(403, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.')),
      outcome: 'forbidden',
      detail: /Shop Manager/,
    },
    {
      name: 'no WooCommerce route',
      arrange: () => list().reply(404, wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.')),
      outcome: 'not_found',
      detail: /permalinks/,
    },
    {
      name: 'a site that is not WordPress',
      arrange: () => list().reply(200, '<!doctype html><title>Hello</title>', { 'Content-Type': 'text/html' }),
      outcome: 'invalid_response',
      detail: /right site address/,
    },
    {
      name: 'a store in maintenance',
      arrange: () => list().reply(503, 'Service Unavailable'),
      outcome: 'unreachable',
      detail: /HTTP 503/,
    },
    {
      name: 'an unknown host',
      arrange: () => list().replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND shop.example.com'), { code: 'ENOTFOUND' })),
      outcome: 'unreachable',
      detail: /could not be reached \(ENOTFOUND\)/,
    },
    {
      name: 'an expired certificate',
      arrange: () => list().replyWithError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })),
      outcome: 'tls_error',
      detail: /CERT_HAS_EXPIRED/,
    },
  ];

  it.each(cases)('$name → $outcome', async ({ arrange, outcome, detail }) => {
    const { connector } = createTestConnector();
    arrange();
    const result = await connector.testConnection();
    expect(result.outcome).toBe(outcome);
    expect(result.detail).toMatch(detail);
    expect(result.detail).not.toContain(SECRET);
    expect(result.detail).not.toContain(KEY);
  });
});

describe('WooCommerce connector options', () => {
  it.each([{ siteUrl: 'shop.example.com' }, { siteUrl: 'ftp://shop.example.com' }, { siteUrl: SITE, baseUrl: 'not a url' }])(
    'refuses %j with WOO_BAD_OPTIONS before any call',
    (urls) => {
      const create = () =>
        createWooCommerceConnector({
          connectionId: 'c',
          ...urls,
          credentials: { consumerKey: KEY, consumerSecret: SECRET, webhookSecret: WEBHOOK_SECRET },
          log: pino({ level: 'silent' }),
        });
      expect(create).toThrow(expect.objectContaining({ kind: 'permanent', code: 'WOO_BAD_OPTIONS' }));
    },
  );
});

describe('WooCommerce webhook subscriptions (nock)', () => {
  const callback = 'https://sync.example.com/webhooks/woocommerce/conn-nock';

  it('reuses our existing webhook (re-activated, secret refreshed) and creates the missing topics', async () => {
    const { connector } = createTestConnector();
    store()
      .get(`${API}/webhooks`)
      .query({ per_page: '100', page: '1', status: 'all' })
      .reply(
        200,
        [
          webhook({ id: 5, topic: 'order.created', delivery_url: callback, status: 'disabled' }),
          webhook({ id: 6, topic: 'order.updated', delivery_url: 'https://elsewhere.example.com' }),
        ],
        pages(1, 2),
      );
    const reuse = store()
      .put(`${API}/webhooks/5`, { status: 'active', secret: WEBHOOK_SECRET })
      .reply(200, webhook({ id: 5, topic: 'order.created', delivery_url: callback, status: 'active' }));
    let id = 10;
    const created: unknown[] = [];
    const create = store()
      .post(`${API}/webhooks`, (body) => {
        created.push(body);
        return body.delivery_url === callback && body.secret === WEBHOOK_SECRET && body.status === 'active';
      })
      .times(3)
      .reply(201, async (request: Request) => webhook({ id: id++, topic: (await request.json()).topic, delivery_url: callback }));
    const registrations = await connector.registerWebhooks(callback);
    expect(registrations.map((registration) => [registration.id, registration.topic])).toEqual([
      ['5', 'order.created'],
      ['10', 'order.updated'],
      ['11', 'product.updated'],
      ['12', 'product.deleted'],
    ]);
    expect(created).toHaveLength(3);
    expect(reuse.isDone() && create.isDone()).toBe(true);
  });

  it('when one creation fails, the webhooks this call created are deleted and the error is thrown', async () => {
    const { connector } = createTestConnector();
    store().get(`${API}/webhooks`).query(true).reply(200, [], pages(0, 0));
    store()
      .post(`${API}/webhooks`)
      .times(2)
      .reply(201, async (request: Request) => {
        const { topic } = await request.json();
        return webhook({ id: topic === 'order.created' ? 1 : 2, topic, delivery_url: callback });
      });
    store()
      .post(`${API}/webhooks`)
      .reply(400, wooError(400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.'));
    const undo = store()
      .delete(`${API}/webhooks/1`)
      .query({ force: 'true' })
      .reply(200, {})
      .delete(`${API}/webhooks/2`)
      .query({ force: 'true' })
      .reply(200, {});
    const error = await connector.registerWebhooks(callback).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent', code: 'WOO_HTTP_400' });
    expect(undo.isDone()).toBe(true);
  });

  it('reactivateWebhook sets status active and reports what WooCommerce answered', async () => {
    const { connector } = createTestConnector();
    store()
      .put(`${API}/webhooks/7`, { status: 'active' })
      .reply(200, webhook({ id: 7, topic: 'product.updated', delivery_url: callback, status: 'active' }));
    expect(await connector.reactivateWebhook('7')).toEqual({
      id: '7',
      name: 'Order updated',
      topic: 'product.updated',
      deliveryUrl: callback,
      status: 'active',
    });
  });
});
