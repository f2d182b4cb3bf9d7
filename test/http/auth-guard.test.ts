import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { buildServer } from '../../src/http/server.js';
import { dbTest as test } from '../helpers/fixtures.js';

let app: FastifyInstance;

async function cliToken(databaseUrl: string, role: string, name: string): Promise<string> {
  const lines: string[] = [];
  await runCli(['tokens', 'create', '--role', role, '--name', name], {
    databaseUrl,
    io: { out: (line) => lines.push(line), readPassword: async () => '' },
  });
  const last = lines.at(-1);
  if (!last) throw new Error('no output');
  return last;
}

test.describe('bearer tokens and the role guard', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('the CLI prints a working token as its last line, stored only as a hash', async ({ database, services }) => {
    app = await buildServer(services);
    const token = await cliToken(database.url, 'support', 'ops bot');
    expect(token).toMatch(/^sbt_[A-Za-z0-9_-]{40,}$/);
    const stored = await database.prisma.apiToken.findFirstOrThrow({ where: { name: 'ops bot' } });
    expect(JSON.stringify(stored)).not.toContain(token);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'token', role: 'support', name: 'ops bot' });
  });

  test('no token is 401, an unknown token is 401, a wrong role is 403, the right role is 200', async ({ database }) => {
    const support = await cliToken(database.url, 'support', 's');
    const admin = await cliToken(database.url, 'admin', 'a');
    const call = (authorization?: string) =>
      app.inject({ method: 'GET', url: '/api/v1/tokens', headers: authorization ? { authorization } : {} });
    expect((await call()).statusCode).toBe(401);
    expect((await call('Bearer sbt_not-a-real-token-at-all-nope')).statusCode).toBe(401);
    const forbidden = await call(`Bearer ${support}`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    expect((await call(`Bearer ${admin}`)).statusCode).toBe(200);
  });

  test('a revoked token stops working', async ({ database }) => {
    const admin = await cliToken(database.url, 'admin', 'to-revoke');
    const row = await database.prisma.apiToken.findFirstOrThrow({ where: { name: 'to-revoke' } });
    const revoke = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${row.id}`, headers: { authorization: `Bearer ${admin}` } });
    expect(revoke.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${admin}` } });
    expect(after.statusCode).toBe(401);
  });

  test('the CLI refuses an unknown role and creates nothing', async ({ database }) => {
    const before = await database.prisma.apiToken.count();
    await expect(cliToken(database.url, 'root', 'x')).rejects.toThrow(/--role must be one of admin, support, accountant/);
    expect(await database.prisma.apiToken.count()).toBe(before);
  });

  test('users create reads the password from stdin and stores only its scrypt hash', async ({ database, services }) => {
    const lines: string[] = [];
    await runCli(['users', 'create', '--email', 'Ann@Example.com', '--role', 'accountant', '--password-stdin'], {
      databaseUrl: database.url,
      io: { out: (line) => lines.push(line), readPassword: async () => 'correct horse battery' },
    });
    expect(lines.at(-1)).toMatch(/created accountant user ann@example.com/);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: 'ann@example.com' } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain('correct horse');
    expect(await services.users.verify('ann@example.com', 'correct horse battery')).not.toBeNull();
    expect(await services.users.verify('ann@example.com', 'wrong password!!')).toBeNull();
  });

  test('every /api/v1 route must be in the permission table', async ({ services }) => {
    const { default: Fastify } = await import('fastify');
    const { authPlugin } = await import('../../src/http/plugins/auth.js');
    const bare = Fastify();
    await bare.register(authPlugin, { authenticators: [] });
    await expect(
      bare
        .register(async (scope) => {
          scope.get('/api/v1/unlisted', async () => ({}));
        })
        .ready(),
    ).rejects.toThrow(/no entry in the permission table/);
    void services;
  });
});
