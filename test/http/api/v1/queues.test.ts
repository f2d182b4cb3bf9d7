import { expect } from 'vitest';
import { buildServer } from '../../../../src/http/server.js';
import { dbTest as test } from '../../../helpers/fixtures.js';

test('queue depth and lag come from BullMQ: a waiting job counts and ages; one job’s state is readable', async ({ services }) => {
  const app = await buildServer(services);
  try {
    const { token } = await services.apiTokens.create({ role: 'support', name: 'queues' });
    const headers = { authorization: `Bearer ${token}` };
    const jobId = await services.queues.add(
      'sku.resync',
      { sku: 'Q-1', requestedBy: 'test', correlationId: 'c-1' },
      { jobId: 'resync-queue-test' },
    );

    const response = await app.inject({ method: 'GET', url: '/api/v1/queues', headers });
    expect(response.statusCode).toBe(200);
    const events = response.json().queues.find((q: { name: string }) => q.name === 'events');
    expect(events).toMatchObject({ waiting: 1, active: 0 });
    expect(events.oldestWaitingMs).toBeGreaterThanOrEqual(0);
    const pushes = response.json().queues.find((q: { name: string }) => q.name === 'pushes');
    expect(pushes).toMatchObject({ waiting: 0, oldestWaitingMs: null });

    const job = await app.inject({ method: 'GET', url: `/api/v1/queues/events/jobs/${jobId}`, headers });
    expect(job.statusCode).toBe(200);
    expect(job.json()).toMatchObject({ id: 'resync-queue-test', name: 'sku.resync', state: 'waiting', startedAt: null, result: null });
  } finally {
    await app.close();
  }
});

test.for([
  { what: 'an unknown job', url: '/api/v1/queues/events/jobs/no-such-job', status: 404 },
  { what: 'an unknown queue', url: '/api/v1/queues/nope/jobs/1', status: 400 },
] as const)('$what is answered $status', async ({ url, status }, { services }) => {
  const app = await buildServer(services);
  try {
    const { token } = await services.apiTokens.create({ role: 'admin', name: 'queues' });
    expect((await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(status);
  } finally {
    await app.close();
  }
});
