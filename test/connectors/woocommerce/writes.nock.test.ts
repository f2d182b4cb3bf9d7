// Stock writes against exact nock fixtures: request bodies, per-item errors in a 200 batch,
// store-wide failures, and the timed-out batch (unknown outcome → re-read → retry what is missing).
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { LevelWrite } from '../../../src/connectors/contract.js';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { REFERENCE_META_KEY } from '../../../src/connectors/woocommerce/inventory.js';
import { API, createTestConnector, KEY, product, SECRET, store, variation } from './nock-helpers.js';

const write = (fields: Partial<LevelWrite> & Pick<LevelWrite, 'sku' | 'externalVariantId' | 'quantity'>): LevelWrite => ({
  externalProductId: fields.externalVariantId,
  externalLocationId: 'default',
  expectedCurrent: null,
  reference: `mv-${fields.sku}`,
  ...fields,
});

afterEach(() => {
  nock.cleanAll();
});

describe('WooCommerce stock writes (nock)', () => {
  it('sends JSON { update: [{ id, manage_stock: true, stock_quantity, meta_data }] } to the batch endpoint', async () => {
    const { connector } = createTestConnector();
    let contentType: string | undefined;
    const scope = store()
      .post(`${API}/products/batch`, (body) => {
        expect(body).toEqual({
          update: [{ id: 10, manage_stock: true, stock_quantity: 4, meta_data: [{ key: REFERENCE_META_KEY, value: 'mv-SHIRT' }] }],
        });
        return true;
      })
      // nock 15 hands a full-reply function the fetch Request.
      .reply((request: Request) => {
        contentType = request.headers.get('content-type') ?? undefined;
        return [200, { update: [product({ id: 10, sku: 'SHIRT', manage_stock: true, stock_quantity: 4 })] }];
      });
    const results = await connector.writeLevels([write({ sku: 'SHIRT', externalVariantId: '10', quantity: 4 })], { idempotencyKey: 'k1' });
    expect(results).toEqual([{ sku: 'SHIRT', externalLocationId: 'default', outcome: 'written', quantity: 4 }]);
    // Passing axiosConfig.headers to the library would silently turn this into form encoding (platform-apis.md §6).
    expect(contentType).toMatch(/^application\/json/);
    expect(scope.isDone()).toBe(true);
  });

  it('per-item errors in a 200 batch become per-item results, in request order', async () => {
    const { connector } = createTestConnector();
    const scope = store()
      .post(`${API}/products/20/variations/batch`)
      .reply(200, {
        update: [
          variation({ id: 21, sku: 'HAT-S', manage_stock: true, stock_quantity: 1 }),
          { id: 22, error: { code: 'woocommerce_rest_product_variation_invalid_id', message: 'Invalid ID.', data: { status: 400 } } },
          {
            id: 23,
            error: {
              code: 'woocommerce_rest_cannot_edit',
              message: 'Sorry, you are not allowed to edit this resource.',
              data: { status: 401 },
            },
          },
          { id: 24, error: { code: 'db_update_error', message: 'Could not update the product in the database.', data: { status: 500 } } },
        ],
      });
    const batch = ['21', '22', '23', '24'].map((id) =>
      write({ sku: `HAT-${id}`, externalVariantId: id, externalProductId: '20', quantity: 1 }),
    );
    const results = await connector.writeLevels(batch, { idempotencyKey: 'k2' });
    expect(results.map((result) => result.outcome)).toEqual(['written', 'not_found', 'failed', 'failed']);
    expect(results[2]).toMatchObject({ error: { code: 'WOO_ITEM_REJECTED', retryable: false } });
    expect(results[2]).toMatchObject({ error: { message: expect.stringContaining('woocommerce_rest_cannot_edit') } });
    expect(results[3]).toMatchObject({ error: { code: 'WOO_ITEM_REJECTED', retryable: true } });
    expect(scope.isDone()).toBe(true);
  });

  it('a saved item whose stock WooCommerce does not manage is reported, not counted as written', async () => {
    const { connector } = createTestConnector();
    store()
      .post(`${API}/products/batch`)
      .reply(200, { update: [product({ id: 10, sku: 'SHIRT', manage_stock: false, stock_quantity: null })] });
    const [result] = await connector.writeLevels([write({ sku: 'SHIRT', externalVariantId: '10', quantity: 4 })], { idempotencyKey: 'k3' });
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'WOO_WRITE_NOT_APPLIED', retryable: false } });
  });

  it('a batch cut off mid-answer is re-read, and only the items not yet at their quantity are sent again', async () => {
    const { connector, logText } = createTestConnector({ timeoutMs: 800 });
    // Headers arrive, the body stalls past the timeout: the outcome is unknown.
    const first = store()
      .post(`${API}/products/batch`, (body) => body.update.length === 2)
      .delay(3_000)
      .reply(200, { update: [] });
    const reread = store()
      .get(`${API}/products`)
      .query({ sku: 'A,B', per_page: '100', page: '1' })
      .reply(
        200,
        [
          product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 7 }),
          product({ id: 2, sku: 'B', manage_stock: true, stock_quantity: 3 }),
        ],
        {
          'X-WP-TotalPages': '1',
        },
      );
    const retry = store()
      .post(`${API}/products/batch`, (body) => body.update.length === 1 && body.update[0].id === 2 && body.update[0].stock_quantity === 8)
      .reply(200, { update: [product({ id: 2, sku: 'B', manage_stock: true, stock_quantity: 8 })] });
    const results = await connector.writeLevels(
      [write({ sku: 'A', externalVariantId: '1', quantity: 7 }), write({ sku: 'B', externalVariantId: '2', quantity: 8 })],
      { idempotencyKey: 'push-77' },
    );
    expect(results.map((result) => [result.sku, result.outcome])).toEqual([
      ['A', 'written'],
      ['B', 'written'],
    ]);
    expect([first.isDone(), reread.isDone(), retry.isDone()]).toEqual([true, true, true]);
    expect(logText()).toContain('re-reading before retrying');
    expect(logText()).toContain('push-77');
  });

  it('a 200 batch answer spoiled by a PHP notice is an unknown outcome: re-read, found written, not re-sent', async () => {
    const { connector } = createTestConnector();
    const notice = '<br />\n<b>Deprecated</b>:  Creation of dynamic property in plugin.php on line 12<br />\n{"update":[]}';
    const post = store().post(`${API}/products/batch`).reply(200, notice, { 'Content-Type': 'application/json' });
    const reread = store()
      .get(`${API}/products`)
      .query({ sku: 'A', per_page: '100', page: '1' })
      .reply(200, [product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 5 })], { 'X-WP-TotalPages': '1' });
    const results = await connector.writeLevels([write({ sku: 'A', externalVariantId: '1', quantity: 5 })], { idempotencyKey: 'k9' });
    expect(results).toEqual([{ sku: 'A', externalLocationId: 'default', outcome: 'written', quantity: 5 }]);
    expect(post.isDone() && reread.isDone()).toBe(true);
  });

  it('when the retry after a timeout times out too, the write fails as WOO_TIMEOUT (retryable)', async () => {
    const { connector } = createTestConnector({ timeoutMs: 800 });
    // No answer at all within the timeout, twice.
    const slow = async (): Promise<[number, unknown]> => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return [200, { update: [] }];
    };
    store().post(`${API}/products/batch`).times(2).reply(slow);
    store()
      .get(`${API}/products`)
      .query(true)
      .reply(200, [product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 0 })], { 'X-WP-TotalPages': '1' });
    const error = await connector
      .writeLevels([write({ sku: 'A', externalVariantId: '1', quantity: 7 })], { idempotencyKey: 'k4' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'retryable', code: 'WOO_TIMEOUT' });
  });

  it('a store-wide 503 stops the remaining groups and, with nothing written, throws with Retry-After', async () => {
    const { connector } = createTestConnector();
    const failing = store()
      .post(`${API}/products/batch`)
      .reply(503, { code: 'service_unavailable', message: 'Maintenance', data: { status: 503 } }, { 'Retry-After': '30' });
    const untouched = store().post(`${API}/products/20/variations/batch`).reply(200, { update: [] });
    const error = await connector
      .writeLevels(
        [
          write({ sku: 'A', externalVariantId: '1', quantity: 1 }),
          write({ sku: 'HAT-S', externalVariantId: '21', externalProductId: '20', quantity: 1 }),
        ],
        { idempotencyKey: 'k5' },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'retryable', code: 'WOO_HTTP_503', retryAfterMs: 30_000 });
    expect(failing.isDone()).toBe(true);
    expect(untouched.isDone()).toBe(false);
  });

  it('when one group fails after another was written, results are per item', async () => {
    const { connector } = createTestConnector();
    store()
      .post(`${API}/products/batch`)
      .reply(200, { update: [product({ id: 1, sku: 'A', manage_stock: true, stock_quantity: 1 })] });
    store().post(`${API}/products/20/variations/batch`).reply(502, '<html>Bad gateway</html>');
    const results = await connector.writeLevels(
      [
        write({ sku: 'A', externalVariantId: '1', quantity: 1 }),
        write({ sku: 'HAT-S', externalVariantId: '21', externalProductId: '20', quantity: 1 }),
      ],
      { idempotencyKey: 'k6' },
    );
    expect(results[0]).toMatchObject({ outcome: 'written' });
    expect(results[1]).toMatchObject({ outcome: 'failed', error: { code: 'WOO_HTTP_502', retryable: true } });
  });

  it('an auth failure on write is a permanent WOO_AUTH_FAILED, and no credential appears in the error or the logs', async () => {
    const { connector, logText } = createTestConnector();
    store()
      .post(`${API}/products/batch`)
      .reply(401, {
        code: 'woocommerce_rest_authentication_error',
        message: 'The API key provided does not have write permissions.',
        data: { status: 401 },
      });
    const error = await connector
      .writeLevels([write({ sku: 'A', externalVariantId: '1', quantity: 1 })], { idempotencyKey: 'k7' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent', code: 'WOO_AUTH_FAILED', status: 401 });
    const visible = `${JSON.stringify(error)} ${String((error as Error).cause)} ${(error as Error).stack} ${logText()}`;
    expect(visible).not.toContain(SECRET);
    expect(visible).not.toContain(KEY);
  });

  it.each([
    { name: 'a non-numeric id', fields: { externalVariantId: 'gid://shopify/1' } },
    { name: 'a fractional quantity', fields: { quantity: 1.5 } },
  ])('an item with $name fails alone without any call', async ({ fields }) => {
    const { connector } = createTestConnector();
    const scope = store().post(`${API}/products/batch`).reply(200, { update: [] });
    const [result] = await connector.writeLevels([write({ sku: 'A', externalVariantId: '1', quantity: 1, ...fields })], {
      idempotencyKey: 'k8',
    });
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'WOO_INVALID_ITEM', retryable: false } });
    expect(scope.isDone()).toBe(false);
  });
});
