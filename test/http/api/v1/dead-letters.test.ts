// Dead-letter API: list by status, replay one, replay selected or all open; operators only.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../../../src/http/server.js';
import { replayJobId } from '../../../../src/sync/dead-letters.js';
import { seedConnection } from '../../../helpers/fake-channel.js';
import { dbTest as test } from '../../../helpers/fixtures.js';

let app: FastifyInstance;
const tokens: Record<string, string> = {};
const ids: string[] = [];

const call = (method: 'GET' | 'POST', url: string, role: string | null, payload?: object) =>
  app.inject({ method, url, headers: role ? { authorization: `Bearer ${tokens[role]}` } : {}, ...(payload ? { payload } : {}) });

test.describe('dead-letter API', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('lists dead letters newest first, filtered by status', async ({ services }) => {
    app = await buildServer(services);
    for (const role of ['admin', 'support', 'accountant'] as const)
      tokens[role] = (await services.apiTokens.create({ role, name: role })).token;
    const connectionId = await seedConnection(services.prisma);
    for (let index = 0; index < 3; index++) {
      const row = await services.prisma.deadLetter.create({
        data: {
          jobName: 'channel.push',
          payload: { connectionId, correlationId: `c-${index}` },
          connectionId,
          errorCode: 'SHOPIFY_AUTH_FAILED',
          errorMessage: 'bad token',
          attempts: 1,
          status: index === 2 ? 'replayed' : 'open',
          createdAt: new Date(Date.UTC(2026, 4, 1, index)),
        },
      });
      ids.push(row.id);
    }
    const open = await call('GET', '/api/v1/dead-letters?status=open', 'support');
    expect(open.statusCode).toBe(200);
    expect(open.json().deadLetters.map((row: { id: string }) => row.id)).toEqual([ids[1], ids[0]]);
    expect(open.json().deadLetters[0]).toMatchObject({
      jobName: 'channel.push',
      errorCode: 'SHOPIFY_AUTH_FAILED',
      payload: { connectionId },
      createdAt: '2026-05-01T01:00:00.000Z',
    });
    const all = await call('GET', '/api/v1/dead-letters?limit=2', 'admin');
    expect(all.json().deadLetters.map((row: { id: string }) => row.id)).toEqual([ids[2], ids[1]]);
  });

  test('replays one: 202 with the new job id, and the job is queued', async ({ services }) => {
    const response = await call('POST', `/api/v1/dead-letters/${ids[0]}/replay`, 'support');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ outcome: 'replayed', id: ids[0], jobId: replayJobId(ids[0] as string, 1), replayCount: 1 });
    const job = await services.queues.get('pushes').getJob(replayJobId(ids[0] as string, 1));
    expect(job?.name).toBe('channel.push');
  });

  test('replaying an unknown dead letter is 404', async () => {
    expect((await call('POST', `/api/v1/dead-letters/${randomUUID()}/replay`, 'admin')).statusCode).toBe(404);
  });

  test('replays the selected ids, then all open ones', async ({ services }) => {
    const selected = await call('POST', '/api/v1/dead-letters/replay', 'admin', { ids: [ids[1], randomUUID()] });
    expect(selected.statusCode).toBe(202);
    expect(selected.json()).toMatchObject({ requested: 2, replayed: 1 });
    expect(selected.json().results[1].outcome).toBe('not_found');
    const extra = await services.prisma.deadLetter.create({
      data: {
        jobName: 'channel.push',
        payload: { connectionId: randomUUID(), correlationId: 'x' },
        errorCode: 'X',
        errorMessage: 'x',
        attempts: 10,
      },
    });
    const everything = await call('POST', '/api/v1/dead-letters/replay', 'support', {});
    expect(everything.json()).toMatchObject({ requested: 1, replayed: 1, results: [{ id: extra.id, outcome: 'replayed' }] });
    expect(await services.prisma.deadLetter.count({ where: { status: 'open' } })).toBe(0);
  });

  test.for([
    ['GET', '/api/v1/dead-letters?status=lost', undefined],
    ['GET', '/api/v1/dead-letters?limit=0', undefined],
    ['POST', '/api/v1/dead-letters/not-a-uuid/replay', undefined],
    ['POST', '/api/v1/dead-letters/replay', { ids: ['nope'] }],
    ['POST', '/api/v1/dead-letters/replay', { ids: [] }],
  ] as const)('%s %s with bad input is 400', async ([method, url, payload], { services }) => {
    const before = await services.prisma.auditEntry.count();
    const response = await call(method, url, 'admin', payload);
    expect(response.statusCode).toBe(400);
    expect(await services.prisma.auditEntry.count()).toBe(before);
  });

  test('accountants may not see or replay dead letters; no credentials is 401', async () => {
    expect((await call('GET', '/api/v1/dead-letters', 'accountant')).statusCode).toBe(403);
    expect((await call('POST', `/api/v1/dead-letters/${ids[0]}/replay`, 'accountant')).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/dead-letters/replay', 'accountant', {})).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/dead-letters', null)).statusCode).toBe(401);
  });
});
