// Dead letters on real PostgreSQL and Redis: a job that fails for good is recorded with its whole
// context; a replay re-enqueues the original job under a new id, counts, audits and can fail again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { PermanentError, RetryableError } from '../../src/connectors/errors.js';
import { replayJobId } from '../../src/sync/dead-letters.js';
import { createFakeChannel, type FakeChannel, seedConnection, seedItems, startPushWorkers } from '../helpers/fake-channel.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

const channels = new Map<string, FakeChannel>();
let workers: ReturnType<typeof startPushWorkers> | undefined;
/** What the stand-in event handler does with each inbox event id it is given. */
const eventBehaviour = new Map<string, () => Promise<void>>();
const processed: string[] = [];

async function insertInboxEvent(prisma: Parameters<typeof seedConnection>[0], connectionId: string) {
  return prisma.inboxEvent.create({
    data: {
      connectionId,
      source: 'shopify',
      topic: 'orders/create',
      dedupeKey: randomUUID(),
      payload: '{"id":1}',
      correlationId: randomUUID(),
      status: 'enqueued',
    },
  });
}

test.describe('dead letters', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await workers?.close();
  });

  test('a channel.push that fails for good is recorded with its context, then replayed once under a new job id', async ({ services }) => {
    workers = startPushWorkers(services, {
      channels,
      coalesceMs: 0,
      handlers: {
        // A stand-in for the decision core's handler: the tests script its outcome per event.
        'event.process': async (payload) => {
          const behave = eventBehaviour.get(payload.inboxEventId);
          if (behave) await behave();
          processed.push(payload.inboxEventId);
        },
      },
    });
    const { prisma } = services;
    const connectionId = await seedConnection(prisma);
    const fake = createFakeChannel();
    channels.set(connectionId, fake);
    await seedItems(prisma, connectionId, fake, [{ sku: 'DL-1', target: 2, lastSeen: 5, status: 'pending' }]);
    fake.throwOnWrite.push(
      new PermanentError('location not found', { code: 'SHOPIFY_INVALID_LOCATION', context: { locationId: 'loc-1' } }),
    );
    const correlationId = randomUUID();
    await workers.schedulePush({ connectionId, sku: 'DL-1', externalLocationId: 'loc-1', correlationId });
    const letter = await waitFor(() => prisma.deadLetter.findFirst({ where: { connectionId } }), { what: 'dead letter' });
    expect(letter).toMatchObject({
      jobName: 'channel.push',
      errorCode: 'SHOPIFY_INVALID_LOCATION',
      correlationId,
      status: 'open',
      replayCount: 0,
    });
    expect(letter.context).toMatchObject({ kind: 'permanent', errorContext: { locationId: 'loc-1' } });

    const replayed = await services.deadLetters.replay(letter.id, 'user:support-1');
    expect(replayed).toEqual({ outcome: 'replayed', id: letter.id, jobId: replayJobId(letter.id, 1), replayCount: 1 });
    await waitFor(async () => fake.level('i-DL-1', 'loc-1') === 2, { what: 'replayed push landed' });
    const after = await prisma.deadLetter.findUniqueOrThrow({ where: { id: letter.id } });
    expect(after).toMatchObject({ status: 'replayed', replayCount: 1 });
    expect(after.replayedAt).not.toBeNull();
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { entityType: 'dead_letter', entityId: letter.id } });
    expect(audit).toMatchObject({ actor: 'user:support-1', action: 'dead_letter.replayed', connectionId, correlationId });
    const job = await services.queues.get('pushes').getJob(replayJobId(letter.id, 1));
    expect(job?.data).toEqual({ connectionId, correlationId });
  });

  test('an event job that exhausts its attempts marks its inbox row dead; a replay that fails again reopens the same row', async ({
    services,
  }) => {
    const { prisma } = services;
    const connectionId = await seedConnection(prisma);
    const event = await insertInboxEvent(prisma, connectionId);
    eventBehaviour.set(event.id, async () => {
      throw new RetryableError('ERP down', { code: 'ERP_HTTP_503', status: 503 });
    });
    await services.queues.add(
      'event.process',
      { inboxEventId: event.id, correlationId: event.correlationId },
      { jobId: event.id, attempts: 2, backoff: { type: 'stockbridge' } },
    );
    const letter = await waitFor(() => prisma.deadLetter.findFirst({ where: { inboxEventId: event.id } }), { what: 'dead letter' });
    expect(letter).toMatchObject({
      jobName: 'event.process',
      connectionId,
      errorCode: 'ERP_HTTP_503',
      attempts: 2,
      correlationId: event.correlationId,
    });
    const inbox = await prisma.inboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(inbox.status).toBe('dead');
    expect(inbox.error).toBe('ERP_HTTP_503: ERP down');

    eventBehaviour.set(event.id, async () => {
      throw new PermanentError('unknown SKU', { code: 'ERP_UNKNOWN_ITEM' });
    });
    const first = await services.deadLetters.replay(letter.id, 'token:t1');
    expect(first.outcome).toBe('replayed');
    await waitFor(async () => (await prisma.deadLetter.findUniqueOrThrow({ where: { id: letter.id } })).errorCode === 'ERP_UNKNOWN_ITEM', {
      what: 'reopened',
    });
    const reopened = await prisma.deadLetter.findUniqueOrThrow({ where: { id: letter.id } });
    expect(reopened).toMatchObject({ status: 'open', replayCount: 1 });
    expect(await prisma.deadLetter.count({ where: { inboxEventId: event.id } })).toBe(1);

    eventBehaviour.delete(event.id);
    const second = await services.deadLetters.replay(letter.id, 'token:t1');
    expect(second).toMatchObject({ outcome: 'replayed', replayCount: 2 });
    await waitFor(async () => processed.includes(event.id), { what: 'event processed on the second replay' });
    expect((await prisma.inboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe('enqueued');
  });

  test('replaying all open dead letters replays each once; a concurrent second request finds nothing left to claim', async ({
    services,
  }) => {
    const { prisma } = services;
    const connectionId = await seedConnection(prisma);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const event = await insertInboxEvent(prisma, connectionId);
      const row = await prisma.deadLetter.create({
        data: {
          jobName: 'event.process',
          payload: { inboxEventId: event.id, correlationId: event.correlationId },
          inboxEventId: event.id,
          errorCode: 'X',
          errorMessage: 'x',
          attempts: 8,
        },
      });
      ids.push(row.id);
    }
    const [a, b] = await Promise.all([
      services.deadLetters.replay(ids[0] as string, 'user:a'),
      services.deadLetters.replay(ids[0] as string, 'user:b'),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['busy', 'replayed']);
    const outcomes = await services.deadLetters.replayMany({}, 'user:a');
    const mine = outcomes.filter((outcome) => ids.includes(outcome.id));
    expect(mine.map((outcome) => outcome.outcome)).toEqual(['replayed', 'replayed']);
    expect(await prisma.deadLetter.count({ where: { id: { in: ids }, status: 'replayed' } })).toBe(3);
    const jobs = await Promise.all(ids.map((id) => services.queues.get('events').getJob(replayJobId(id, 1))));
    expect(jobs.every((job) => job !== undefined)).toBe(true);
  });

  test.for([
    ['an unknown id', async () => randomUUID(), 'not_found'],
    [
      'a discarded dead letter',
      async (prisma: Parameters<typeof seedConnection>[0]) =>
        (
          await prisma.deadLetter.create({
            data: { jobName: 'channel.push', payload: {}, errorCode: 'X', errorMessage: 'x', attempts: 1, status: 'discarded' },
          })
        ).id,
      'discarded',
    ],
    [
      'a payload the catalog rejects',
      async (prisma: Parameters<typeof seedConnection>[0]) =>
        (
          await prisma.deadLetter.create({
            data: { jobName: 'channel.push', payload: { connectionId: 'nope' }, errorCode: 'X', errorMessage: 'x', attempts: 1 },
          })
        ).id,
      'invalid_payload',
    ],
    [
      'an unknown job name',
      async (prisma: Parameters<typeof seedConnection>[0]) =>
        (await prisma.deadLetter.create({ data: { jobName: 'nothing.here', payload: {}, errorCode: 'X', errorMessage: 'x', attempts: 1 } }))
          .id,
      'invalid_payload',
    ],
  ] as const)('refuses to replay %s and changes nothing', async ([_name, makeId, outcome], { services }) => {
    const id = await makeId(services.prisma);
    const before = await services.prisma.deadLetter.findUnique({ where: { id } });
    const result = await services.deadLetters.replay(id, 'user:x');
    expect(result.outcome).toBe(outcome);
    expect(await services.prisma.deadLetter.findUnique({ where: { id } })).toEqual(before);
    expect(await services.prisma.auditEntry.count({ where: { entityId: id } })).toBe(0);
  });
});
