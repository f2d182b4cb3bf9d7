import { expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { dbTest as test } from '../helpers/fixtures.js';

test('/metrics exposes the named series, with queue depth and inbox gauges read at scrape time', async ({ services }) => {
  await services.queues.add('inbox.relay', {});
  await services.queues.add('inbox.relay', {});
  const connection = await services.prisma.connection.create({
    data: { kind: 'erp', name: 'e', credentials: new Uint8Array([1]), credentialsKeyId: 'k' },
  });
  await services.prisma.inboxEvent.create({
    data: {
      connectionId: connection.id,
      source: 'erp',
      topic: 'stock.changed',
      dedupeKey: 'x',
      payload: '{}',
      correlationId: 'c',
      receivedAt: new Date(Date.now() - 60_000),
    },
  });
  const app = await buildServer(services);
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  await app.close();
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/text\/plain/);
  const text = response.body;
  for (const series of [
    'stockbridge_webhook_to_channel_seconds',
    'stockbridge_push_duration_seconds',
    'stockbridge_jobs_total',
    'stockbridge_dead_letters_total',
    'stockbridge_throttle_waits_total',
    'stockbridge_rate_limit_headroom_ratio',
    'stockbridge_stale_skus',
    'stockbridge_webhook_outcomes_total',
  ]) {
    expect(text).toContain(`# TYPE ${series}`);
  }
  expect(text).toMatch(/stockbridge_queue_depth\{queue="maintenance",state="waiting"\} 2/);
  expect(text).toMatch(/stockbridge_queue_oldest_job_age_seconds\{queue="maintenance"\} \d/);
  expect(text).toMatch(/stockbridge_inbox_unenqueued 1/);
});

test('default process metrics are on outside tests', async () => {
  const metrics = createMetrics();
  expect(await metrics.registry.metrics()).toContain('process_cpu_user_seconds_total');
});
