// The ERP HTTP layer: every way a call can fail becomes a typed error with a stable code, and
// credentials never reach a log line or an error.
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createErpHttp, parseRetryAfter } from '../../../src/connectors/erp/erp-http.js';
import { createGenericRestErp } from '../../../src/connectors/erp/generic-rest/client.js';
import { closedPortUrl, expectNockDone, rejectionOf, silentLog, startSilentServer } from './helpers.js';

const ORIGIN = 'https://erp.example.test';

afterEach(expectNockDone);

function http(overrides: Partial<Parameters<typeof createErpHttp>[0]> = {}) {
  return createErpHttp({ baseUrl: ORIGIN, fetch: globalThis.fetch, log: silentLog, headers: {}, ...overrides });
}

describe('ERP HTTP failures', () => {
  it('a refused connection is retryable ERP_UNREACHABLE, never a raw fetch TypeError', async () => {
    const error = await rejectionOf(http({ baseUrl: await closedPortUrl() }).request({ method: 'GET', path: '/stock' }));
    expect(error).toMatchObject({ name: 'RetryableError', kind: 'retryable', code: 'ERP_UNREACHABLE' });
    expect(error.context).toMatchObject({ causeCode: 'ECONNREFUSED', method: 'GET', path: '/stock' });
  });

  it('a server that never answers is retryable ERP_TIMEOUT after the configured time', async () => {
    const server = await startSilentServer();
    try {
      const error = await rejectionOf(http({ baseUrl: server.url, timeoutMs: 150 }).request({ method: 'GET', path: '/warehouses' }));
      expect(error).toMatchObject({ kind: 'retryable', code: 'ERP_TIMEOUT' });
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a refused TLS certificate is permanent ERP_TLS_ERROR, and the connection test says tls_error', async () => {
    // undici's shape for a certificate failure: TypeError('fetch failed') caused by the TLS error.
    const tlsFetch: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });
    };
    const error = await rejectionOf(http({ fetch: tlsFetch }).request({ method: 'GET', path: '/stock' }));
    expect(error).toMatchObject({ kind: 'permanent', code: 'ERP_TLS_ERROR' });
    const erp = createGenericRestErp({ baseUrl: ORIGIN, credentials: { apiKey: 'k' }, fetch: tlsFetch, log: silentLog });
    expect(await erp.testConnection()).toMatchObject({ outcome: 'tls_error', detail: expect.stringContaining('CERT_HAS_EXPIRED') });
  });

  it('a 200 that is not JSON is permanent ERP_INVALID_RESPONSE', async () => {
    nock(ORIGIN).get('/warehouses').reply(200, '<html>login</html>', { 'content-type': 'text/html' });
    expect(await rejectionOf(http().request({ method: 'GET', path: '/warehouses' }))).toMatchObject({
      kind: 'permanent',
      code: 'ERP_INVALID_RESPONSE',
      status: 200,
    });
  });

  it('a redirect is not followed: permanent ERP_REDIRECTED naming the target', async () => {
    nock(ORIGIN).get('/warehouses').reply(301, '', { location: 'https://erp.example.test/api/warehouses' });
    const error = await rejectionOf(http().request({ method: 'GET', path: '/warehouses' }));
    expect(error).toMatchObject({ kind: 'permanent', code: 'ERP_REDIRECTED', status: 301 });
    expect(String(error.message)).toContain('https://erp.example.test/api/warehouses');
  });

  it.each([
    [500, 'retryable', 'ERP_HTTP_5XX'],
    [502, 'retryable', 'ERP_HTTP_5XX'],
    [408, 'retryable', 'ERP_TIMEOUT'],
    [429, 'throttled', 'ERP_THROTTLED'],
    [401, 'permanent', 'ERP_AUTH_FAILED'],
    [403, 'permanent', 'ERP_FORBIDDEN'],
    [404, 'permanent', 'ERP_NOT_FOUND'],
    [400, 'permanent', 'ERP_HTTP_4XX'],
  ])('HTTP %i without a known error body is %s %s', async (status, kind, code) => {
    nock(ORIGIN).get('/stock').reply(status, 'upstream said no');
    expect(await rejectionOf(http().request({ method: 'GET', path: '/stock' }))).toMatchObject({ kind, code, status });
  });

  it('Retry-After as an HTTP date becomes the wait until that date, and the request id is kept', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    nock(ORIGIN).get('/stock').reply(429, '', { 'Retry-After': 'Sun, 01 Mar 2026 10:00:30 GMT', 'X-Request-Id': 'req-77' });
    const error = await rejectionOf(http({ now: () => now }).request({ method: 'GET', path: '/stock' }));
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 30_000, requestId: 'req-77' });
  });

  it.each([
    ['2', 2000],
    ['1.5', 1500],
    ['0', 0],
    ['Sun, 01 Mar 2026 09:59:00 GMT', 0],
    ['', undefined],
    ['soon', undefined],
  ])('parseRetryAfter(%j) is %j ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-03-01T10:00:00Z'))).toBe(expected);
  });

  it('credentials travel only in the header: not in debug logs, not in errors', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, callback) {
          lines.push(chunk.toString());
          callback();
        },
      }),
    );
    nock(ORIGIN, { reqheaders: { authorization: 'Bearer sekrit-key-123' } })
      .get('/warehouses')
      .reply(200, { items: [] })
      .get('/stock')
      .query(true)
      .reply(500, { error: { code: 'unavailable', message: 'down' } });
    const erp = createGenericRestErp({ baseUrl: ORIGIN, credentials: { apiKey: 'sekrit-key-123' }, fetch: globalThis.fetch, log });
    await erp.listWarehouses();
    const error = await rejectionOf(erp.listStock(null));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('sekrit-key-123');
    expect(JSON.stringify(error)).not.toContain('sekrit-key-123');
  });
});
