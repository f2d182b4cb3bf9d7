import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createInboxWriter, InboxUnavailableError, type NewInboxRow } from '../../src/inbox/inbox-writer.js';
import { dbTest } from '../helpers/fixtures.js';
import { createConnection } from '../http/webhooks/webhook-helpers.js';

const row = (connectionId: string, dedupeKey: string = randomUUID()): NewInboxRow => ({
  id: randomUUID(),
  connectionId,
  source: 'shopify',
  topic: 'orders/create',
  dedupeKey,
  webhookId: null,
  resourceId: '271878346596884015',
  headers: { 'x-shopify-topic': 'orders/create' },
  payload: '{"id":271878346596884015,"note":"ü \\/ \\"quoted\\""}',
  triggeredAt: new Date('2026-04-01T10:00:00.123Z'),
  receivedAt: new Date('2026-04-01T10:00:01.456Z'),
  status: 'received',
  correlationId: randomUUID(),
  error: null,
});

dbTest.describe('createInboxWriter', () => {
  dbTest('concurrent writes go out as one statement and each caller learns its own row’s fate', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const batches: number[] = [];
    const inserted: string[] = [];
    const writer = createInboxWriter({
      pool: services.db.pool,
      timeoutMs: 5_000,
      maxInFlight: 1,
      onBatch: (rows) => batches.push(rows),
      onInserted: (rows) => inserted.push(...rows.map((r) => r.id)),
    });
    const rows = Array.from({ length: 30 }, () => row(connection.id));
    const outcomes = await Promise.all(rows.map((r) => writer.write(r)));
    expect(outcomes).toEqual(Array(30).fill({ outcome: 'inserted' }));
    expect(batches).toEqual([30]);
    expect(inserted.sort()).toEqual(rows.map((r) => r.id).sort());
    const stored = await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id: rows[0]?.id ?? '' } });
    expect(stored).toMatchObject({
      payload: rows[0]?.payload,
      resourceId: '271878346596884015',
      headers: { 'x-shopify-topic': 'orders/create' },
      triggeredAt: new Date('2026-04-01T10:00:00.123Z'),
      receivedAt: new Date('2026-04-01T10:00:01.456Z'),
      status: 'received',
    });
    await writer.close();
  });

  dbTest('two rows with one identity in the same statement: the first is inserted, the second is a duplicate', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const writer = createInboxWriter({ pool: services.db.pool, timeoutMs: 5_000, onInserted: () => {} });
    const outcomes = await Promise.all([writer.write(row(connection.id, 'same')), writer.write(row(connection.id, 'same'))]);
    expect(outcomes).toEqual([{ outcome: 'inserted' }, { outcome: 'duplicate' }]);
    expect(await writer.write(row(connection.id, 'same'))).toEqual({ outcome: 'duplicate' });
    expect(await services.prisma.inboxEvent.count({ where: { connectionId: connection.id } })).toBe(1);
    await writer.close();
  });

  dbTest('a row that breaks a constraint fails alone; its neighbours in the batch are stored', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const writer = createInboxWriter({ pool: services.db.pool, timeoutMs: 5_000, maxInFlight: 1, onInserted: () => {} });
    const good = [row(connection.id), row(connection.id)];
    const orphan = row(randomUUID()); // no such connection: foreign key violation
    const results = await Promise.allSettled([
      writer.write(good[0] as NewInboxRow),
      writer.write(orphan),
      writer.write(good[1] as NewInboxRow),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason;
    expect(failure).toBeInstanceOf(InboxUnavailableError);
    expect(failure.reason).toBe('database');
    expect(await services.prisma.inboxEvent.count({ where: { id: { in: good.map((r) => r.id) } } })).toBe(2);
    await writer.close();
  });

  dbTest('beyond maxQueuedRows new rows are refused at once as overloaded', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const writer = createInboxWriter({ pool: services.db.pool, timeoutMs: 5_000, maxQueuedRows: 2, onInserted: () => {} });
    const results = await Promise.allSettled([1, 2, 3].map(() => writer.write(row(connection.id))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason.reason).toBe('overloaded');
    await writer.close();
  });

  dbTest('after close, rows are refused and the ones in flight were stored', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const writer = createInboxWriter({ pool: services.db.pool, timeoutMs: 5_000, onInserted: () => {} });
    const pending = writer.write(row(connection.id));
    await writer.close();
    expect(await pending).toEqual({ outcome: 'inserted' });
    await expect(writer.write(row(connection.id))).rejects.toMatchObject({ reason: 'closed' });
  });
});
