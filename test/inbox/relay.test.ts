import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Services } from '../../src/app/services.js';
import type { InboxStatus } from '../../src/db/generated/enums.js';
import { dbTest } from '../helpers/fixtures.js';
import { createConnection, jobCount } from '../http/webhooks/webhook-helpers.js';

async function storedEvent(services: Services, connectionId: string, status: InboxStatus, ageMs: number) {
  return services.prisma.inboxEvent.create({
    data: {
      connectionId,
      source: 'shopify',
      topic: 'orders/create',
      dedupeKey: randomUUID(),
      payload: '{"id":1}',
      status,
      correlationId: randomUUID(),
      receivedAt: new Date(Date.now() - ageMs),
    },
  });
}

const statusOf = async (services: Services, id: string) => (await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id } })).status;

dbTest.describe('the inbox relay', () => {
  dbTest('enqueues received rows older than the minimum age and leaves young ones to their API', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const older = await storedEvent(services, connection.id, 'received', 60_000);
    const old = await storedEvent(services, connection.id, 'received', 30_000);
    const young = await storedEvent(services, connection.id, 'received', 0);
    const processed = await storedEvent(services, connection.id, 'processed', 60_000);
    const result = await services.inbox.relay({ minAgeMs: 10_000 });
    expect(result.relayed).toBe(2);
    expect(await statusOf(services, older.id)).toBe('enqueued');
    expect(await statusOf(services, old.id)).toBe('enqueued');
    expect(await statusOf(services, young.id)).toBe('received');
    expect(await statusOf(services, processed.id)).toBe('processed');
    const waiting = (await services.queues.get('events').getWaiting()).map((job) => job.id);
    expect(waiting).toEqual(expect.arrayContaining([older.id, old.id]));
    expect(waiting).not.toContain(young.id);
    expect((await services.metrics.inboxUnenqueued.get()).values[0]?.value).toBe(result.remaining);
  });

  dbTest('a row whose job already exists is marked enqueued without a second job', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const event = await storedEvent(services, connection.id, 'received', 60_000);
    await services.queues.add('event.process', { inboxEventId: event.id, correlationId: event.correlationId }, { jobId: event.id });
    const before = await jobCount(services);
    const { relayed } = await services.inbox.relay({ minAgeMs: 0 });
    expect(await statusOf(services, event.id)).toBe('enqueued');
    // Every other relayed row got a job; this one kept its own.
    expect(await jobCount(services)).toBe(before + relayed - 1);
  });

  dbTest('enqueuePaused resumes one connection’s paused events and no one else’s', async ({ services }) => {
    const paused = await createConnection(services, 'shopify', { paused: true });
    const other = await createConnection(services, 'shopify', { paused: true });
    const first = await storedEvent(services, paused.id, 'paused', 20_000);
    const second = await storedEvent(services, paused.id, 'paused', 10_000);
    const untouched = await storedEvent(services, other.id, 'paused', 10_000);
    await services.prisma.connection.update({ where: { id: paused.id }, data: { paused: false } });
    expect(await services.inbox.enqueuePaused(paused.id)).toEqual({ resumed: 2, enqueued: 2 });
    expect(await statusOf(services, first.id)).toBe('enqueued');
    expect(await statusOf(services, second.id)).toBe('enqueued');
    expect(await statusOf(services, untouched.id)).toBe('paused');
    expect(await services.queues.get('events').getJob(first.id)).toBeTruthy();
  });

  dbTest('a relay pass also resumes paused events whose connection is no longer paused', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const stillPaused = await createConnection(services, 'shopify', { paused: true });
    // Stored as paused by an API process whose cache had not seen the resume yet.
    const stranded = await storedEvent(services, connection.id, 'paused', 60_000);
    const waiting = await storedEvent(services, stillPaused.id, 'paused', 60_000);
    await services.inbox.relay({ minAgeMs: 0 });
    expect(await statusOf(services, stranded.id)).toBe('enqueued');
    expect(await statusOf(services, waiting.id)).toBe('paused');
  });
});
