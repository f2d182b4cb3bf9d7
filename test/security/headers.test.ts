// Headers as an attacker writes them, over a real socket where it matters (app.inject does not
// parse HTTP): invalid UTF-8 bytes, bare CR/LF and NUL, oversized headers, and values that could
// end up in response headers (X-Request-Id, CSV file names). Nothing crashes, nothing is reflected
// unfiltered, and the server keeps answering afterwards.
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { createTestUser } from '../auth/sign-in.js';
import { dbTest } from '../helpers/fixtures.js';
import { adminToken, appWithRoutes, expectNoServerError, type Route, send } from './security-helpers.js';

let app: FastifyInstance;
let port = 0;
let token = '';
let routes: Route[] = [];

const test = dbTest.extend('listening', { scope: 'file' }, async ({ services }) => {
  const built = await appWithRoutes(services);
  app = built.app;
  routes = built.routes;
  token = await adminToken(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
  return port;
});

afterAll(async () => {
  await app?.close();
});

/** One raw HTTP/1.1 exchange: the bytes as written, the answer as received (latin1, byte for byte). */
function exchange(request: Buffer): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    socket.write(request);
  });
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

function get(path: string, ...headerLines: (string | number[])[]) {
  return exchange(bytes(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, ...headerLines, '\r\n'));
}

const headerOf = (head: string, name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];

test.describe('hostile headers', () => {
  test.for([
    ['x-request-id', 'X-Request-Id: abc'],
    ['authorization', 'Authorization: Bearer sbt_'],
    ['cookie', 'Cookie: sb_session='],
    ['user-agent', 'User-Agent: probe/'],
    ['x-csrf-token', 'X-CSRF-Token: '],
  ])('invalid UTF-8 bytes in %s are answered without a 5xx and never echoed', async ([, prefix], { listening }) => {
    expect(listening).toBeGreaterThan(0);
    for (const path of ['/api/v1/me', '/auth/session', '/healthz', '/api/v1/skus/SKU-1']) {
      const answer = await get(path, prefix ?? '', [0xff, 0xfe, 0xc3, 0x28, 0x80], '\r\n');
      expect(answer.status, `${path} ${answer.head}`).toBeGreaterThanOrEqual(200);
      expect(answer.status, `${path} ${answer.head}`).toBeLessThan(500);
      expect(headerOf(answer.head, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.head).not.toContain('\u00ff\u00fe');
    }
  });

  test('a sign-in whose User-Agent holds invalid UTF-8 still works (the bytes are stored as Node decodes them)', async ({
    listening,
    services,
  }) => {
    expect(listening).toBeGreaterThan(0);
    const user = await createTestUser(services.users, 'support');
    const body = JSON.stringify({ email: user.email, password: user.password });
    const answer = await exchange(
      bytes(
        'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n',
        `Content-Length: ${Buffer.byteLength(body)}\r\nUser-Agent: bot/`,
        [0xff, 0xc3, 0x28],
        `\r\n\r\n${body}`,
      ),
    );
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    const session = await services.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.userAgent).toBe('bot/\u00ff\u00c3(');
  });

  test.for([
    ['a bare CR', 'X-Request-Id: abcdefgh1\rSet-Cookie: owned=1\r\n'],
    ['a bare LF inside a value', 'X-Note: a\nSet-Cookie: owned=1\r\n'],
    ['a NUL', 'X-Request-Id: abcdefgh\u0000owned\r\n'],
    ['a header of 20 kB', `X-Pad: ${'a'.repeat(20_000)}\r\n`],
  ])('%s in a header is refused by the HTTP parser and the server keeps answering', async ([, line], { listening }) => {
    expect(listening).toBeGreaterThan(0);
    const answer = await get('/api/v1/me', line ?? '');
    expect([400, 431]).toContain(answer.status);
    expect(answer.head).not.toMatch(/set-cookie/i);
    expect((await get('/healthz')).status).toBe(200);
  });

  test('X-Request-Id is echoed only when it is a plain id; anything else gets a fresh one', async ({ listening }) => {
    expect(listening).toBeGreaterThan(0);
    const plain = await get('/healthz', 'X-Request-Id: trace-1234.abc:9\r\n');
    expect(headerOf(plain.head, 'x-request-id')).toBe('trace-1234.abc:9');
    for (const hostile of ['abcdefgh Set-Cookie: owned=1', 'abcdefgh%0d%0aSet-Cookie:%20owned=1', '<script>alert(1)</script>', 'short']) {
      const answer = await get('/healthz', `X-Request-Id: ${hostile}\r\n`);
      expect(headerOf(answer.head, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.head).not.toMatch(/set-cookie|owned/i);
    }
    // app.inject skips the HTTP parser: a CR/LF that reaches the app is filtered just the same.
    const injected = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abcdefgh\r\nSet-Cookie: owned=1' } });
    expect(injected.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(injected.headers['set-cookie']).toBeUndefined();
  });

  test('CSV exports name their file from validated values only, whatever the query holds', async ({ listening }) => {
    expect(listening).toBeGreaterThan(0);
    const csvRoutes = routes.filter((route) => route.url.endsWith('.csv'));
    expect(csvRoutes.length).toBeGreaterThanOrEqual(6);
    const queries = [
      'sku=%0D%0ASet-Cookie:%20owned%3D1',
      'from=2026-01-01T00:00:00%2B14:00&to=2026-02-01',
      'from=%202026-03-01%20&sku=%22%3B%20filename%3Devil.exe',
      'from=2026-01-01%0D%0AX-Injected:%201',
      'connectionId=..%2F..%2Fetc%2Fpasswd',
    ];
    for (const route of csvRoutes) {
      for (const query of queries) {
        const url = `${route.url.replace(':id', '00000000-0000-4000-8000-000000000000')}?${query}`;
        const response = await send(app, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } }, url);
        expectNoServerError(response, url);
        expect(response.headers['set-cookie'], url).toBeUndefined();
        expect(response.headers['x-injected'], url).toBeUndefined();
        if (response.statusCode === 200) {
          expect(response.headers['content-disposition'], url).toMatch(/^attachment; filename="[A-Za-z0-9_.-]+\.csv"$/);
        }
      }
    }
  });
});
