// The simulator's REST subset behaves like WooCommerce on what the connector relies on: OAuth 1.0a
// and Basic auth, key permissions, the exact SKU filter, pagination headers, batch limits and
// per-item errors, webhook deletion rules, knobs and faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WooSimulator } from '../../../src/simulators/woocommerce/woocommerce-simulator.js';
import { basic, KEY, SECRET, signedUrl, startSimulator, wooClient } from './helpers.js';

let sim: WooSimulator;
let products: string;

const catalog = [
  { id: 10, name: 'Shirt', sku: 'SHIRT', stockQuantity: 5, modifiedAt: '2026-01-01T00:00:00Z' },
  { id: 11, name: 'Shirt XL', sku: 'SHIRT-1', stockQuantity: 6, modifiedAt: '2026-01-03T00:00:00Z' },
  { id: 12, name: 'Red shirt', sku: 'RED SHIRT', stockQuantity: 2, modifiedAt: '2026-01-01T00:00:00Z' },
  {
    id: 20,
    name: 'Hat',
    modifiedAt: '2026-01-01T00:00:00Z',
    variations: [{ id: 21, sku: 'HAT-S', stockQuantity: 3, modifiedAt: '2026-01-01T00:00:00Z' }],
  },
];

beforeAll(async () => {
  sim = await startSimulator({ catalog });
  products = `${sim.url}/wp-json/wc/v3/products`;
});
afterAll(async () => {
  await sim.close();
});

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
};

describe('WooCommerce simulator authentication', () => {
  it('accepts what the official client signs over http, SKUs with spaces included', async () => {
    const response = await wooClient(sim.url).get('products', { sku: 'RED SHIRT,SHIRT' });
    expect(response.status).toBe(200);
    expect(response.data.map((item: { sku: string }) => item.sku).sort()).toEqual(['RED SHIRT', 'SHIRT']);
  });

  it('accepts a request signed per RFC 5849 and refuses it once tampered with', async () => {
    const signed = signedUrl('GET', products, { sku: 'SHIRT' });
    expect((await getJson(signed.url)).status).toBe(200);
    const tampered = signedUrl('GET', products, { sku: 'SHIRT' });
    const result = await getJson(tampered.url.replace('sku=SHIRT', 'sku=SHIRT-1'));
    expect(result).toMatchObject({
      status: 401,
      body: { code: 'woocommerce_rest_authentication_error', message: expect.stringMatching(/^Invalid signature/) },
    });
  });

  const refusals: { name: string; overrides: Record<string, string>; message: string; twice?: boolean }[] = [
    {
      name: 'a reused nonce',
      overrides: { oauth_nonce: 'fixed-nonce-1' },
      message: 'Invalid nonce - nonce has already been used.',
      twice: true,
    },
    {
      name: 'a timestamp 20 minutes old',
      overrides: { oauth_timestamp: String(Math.floor(Date.now() / 1000) - 1200) },
      message: 'Invalid timestamp.',
    },
    { name: 'an unknown consumer key', overrides: { oauth_consumer_key: 'ck_other' }, message: 'Consumer key is invalid.' },
    {
      name: 'an unsupported signature method',
      overrides: { oauth_signature_method: 'PLAINTEXT' },
      message: 'Invalid signature - signature method is invalid.',
    },
  ];
  it.each(refusals)('refuses $name', async ({ overrides, message, twice }) => {
    if (twice) expect((await getJson(signedUrl('GET', products, {}, overrides).url)).status).toBe(200);
    const result = await getJson(signedUrl('GET', products, {}, overrides).url);
    expect(result).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_authentication_error', message, data: { status: 401 } } });
  });

  it('refuses a signature made with another secret', async () => {
    const result = await getJson(signedUrl('GET', products, {}, {}, 'cs_wrong').url);
    expect(result.status).toBe(401);
  });

  it('accepts Basic auth with the right pair and names the wrong half otherwise', async () => {
    expect((await getJson(products, { authorization: basic(KEY, SECRET) })).status).toBe(200);
    expect((await getJson(products, { authorization: basic(KEY, 'nope') })).body.message).toBe('Consumer secret is invalid.');
    expect((await getJson(products, { authorization: basic('ck_nope', SECRET) })).body.message).toBe('Consumer key is invalid.');
  });

  it('without credentials the endpoint refuses a logged-out user', async () => {
    expect(await getJson(products)).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_cannot_view' } });
  });

  it('a read-only key reads but may not write', async () => {
    sim.control.setKnobs({ permissions: 'read' });
    try {
      expect((await getJson(products, { authorization: basic(KEY, SECRET) })).status).toBe(200);
      const write = await fetch(`${products}/batch`, {
        method: 'POST',
        headers: { authorization: basic(KEY, SECRET), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(write.status).toBe(401);
      expect((await write.json()).message).toBe('The API key provided does not have write permissions.');
    } finally {
      sim.control.setKnobs({ permissions: 'read_write' });
    }
  });
});

describe('WooCommerce simulator products', () => {
  const api = () => wooClient(sim.url);

  it('the SKU filter is exact, takes a comma-separated list and finds variations in product shape', async () => {
    const { data } = await api().get('products', { sku: 'SHIRT,HAT-S' });
    expect(data.map((item: { id: number; type: string; parent_id: number }) => [item.id, item.type, item.parent_id])).toEqual(
      expect.arrayContaining([
        [10, 'simple', 0],
        [21, 'variation', 20],
      ]),
    );
    expect(data).toHaveLength(2);
  });

  it('pages with X-WP-Total and X-WP-TotalPages, and refuses per_page above 100', async () => {
    const page = await api().get('products', { per_page: 3, page: 2, orderby: 'id', order: 'asc' });
    expect([page.headers['x-wp-total'], page.headers['x-wp-totalpages']]).toEqual(['4', '2']);
    expect(page.data.map((item: { id: number }) => item.id)).toEqual([20]);
    const error = await api()
      .get('products', { per_page: 101 })
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(error).toMatchObject({ status: 400, data: { code: 'rest_invalid_param' } });
  });

  it('modified_after with dates_are_gmt keeps only later modifications', async () => {
    const { data } = await api().get('products', { modified_after: '2026-01-02T00:00:00', dates_are_gmt: true });
    expect(data.map((item: { id: number }) => item.id)).toEqual([11]);
  });

  it('a batch over 100 items is refused whole with 413 and changes nothing', async () => {
    const update = Array.from({ length: 101 }, () => ({ id: 10, stock_quantity: 0 }));
    const error = await api()
      .post('products/batch', { update })
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(error).toMatchObject({ status: 413, data: { code: 'woocommerce_rest_request_entity_too_large', data: { status: 413 } } });
    expect(sim.control.item({ id: 10 }).stockQuantity).toBe(5);
  });

  it('a batch answers 200 with an error entry for each bad item and applies the good ones', async () => {
    const { status, data } = await api().post('products/batch', {
      update: [
        { id: 11, manage_stock: true, stock_quantity: 9 },
        { id: 999, stock_quantity: 1 },
        { id: 21, stock_quantity: 1 },
      ],
    });
    expect(status).toBe(200);
    expect(data.update[0]).toMatchObject({ id: 11, stock_quantity: 9, manage_stock: true });
    expect(data.update[1]).toEqual({
      id: 999,
      error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } },
    });
    expect(data.update[2]).toMatchObject({ id: 21, error: { code: 'woocommerce_rest_cannot_edit' } });
    expect(sim.control.item({ id: 21 }).stockQuantity).toBe(3);
  });

  it('a variation is updated only under its own parent', async () => {
    const wrong = await api().post('products/10/variations/batch', { update: [{ id: 21, stock_quantity: 0 }] });
    expect(wrong.data.update[0].error.code).toBe('woocommerce_rest_cannot_edit');
    const right = await api().post('products/20/variations/batch', { update: [{ id: 21, stock_quantity: 0 }] });
    expect(right.data.update[0]).toMatchObject({ id: 21, stock_quantity: 0, stock_status: 'outofstock' });
  });

  it('an empty batch answers [] and an unknown route rest_no_route', async () => {
    expect((await api().post('products/batch', {})).data).toEqual([]);
    const error = await api()
      .get('coupons-nope')
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(error).toMatchObject({ status: 404, data: { code: 'rest_no_route' } });
  });
});

describe('WooCommerce simulator webhooks REST, knobs and control', () => {
  it('DELETE needs force=true; unknown ids are 404 on delete and 400 on update', async () => {
    const api = wooClient(sim.url);
    const failed = (e: { response: { status: number; data: { code: string } } }) => e.response;
    const { data } = await api.post('webhooks', { topic: 'order.created', delivery_url: 'http://127.0.0.1:9/none' });
    expect(await api.delete(`webhooks/${data.id}`).catch(failed)).toMatchObject({
      status: 501,
      data: { code: 'woocommerce_rest_trash_not_supported' },
    });
    expect((await api.delete(`webhooks/${data.id}`, { force: true })).status).toBe(200);
    expect(await api.delete(`webhooks/${data.id}`, { force: true }).catch(failed)).toMatchObject({ status: 404 });
    expect(await api.put(`webhooks/${data.id}`, { status: 'active' }).catch(failed)).toMatchObject({ status: 400 });
  });

  it('rate503 answers 503 with Retry-After until turned off, and a queued fault fires once', async () => {
    sim.control.setKnobs({ rate503: 1, retryAfterSeconds: 9 });
    const throttled = await fetch(products, { headers: { authorization: basic(KEY, SECRET) } });
    sim.control.setKnobs({ rate503: 0 });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([503, '9']);
    const fault = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', endpoint: 'products', status: 429, retryAfterSeconds: 3 }),
    });
    expect(fault.status).toBe(200);
    expect((await fetch(products, { headers: { authorization: basic(KEY, SECRET) } })).status).toBe(429);
    expect((await fetch(products, { headers: { authorization: basic(KEY, SECRET) } })).status).toBe(200);
  });

  it.each([
    ['/_sim/orders', { lines: [] }],
    ['/_sim/orders', { lines: [{ sku: 'NO-SUCH', quantity: 1 }] }],
    ['/_sim/stock', { sku: 'SHIRT' }],
    ['/_sim/knobs', { errorRate: 2 }],
    ['/_sim/faults', { status: 503 }],
  ])('control %s refuses %j with 400 and changes nothing', async (path, body) => {
    const before = JSON.stringify(sim.control.state().items);
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(sim.control.state().items)).toBe(before);
  });
});
