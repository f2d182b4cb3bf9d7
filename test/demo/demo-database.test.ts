// A second `npm run demo` on the same database: the first run's rows (and queued jobs) are cleared
// when the demo made all of them, and nothing is touched when anything else is there.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect } from 'vitest';
import { clearDemoLeftovers, DemoDatabaseInUseError } from '../../src/demo/demo-database.js';
import { type TestDatabase, dbTest as test } from '../helpers/fixtures.js';

const ADMIN = 'admin@demo.example';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomUUID()}`;
const redis = new Redis(REDIS_URL);
const jobKey = (name: string) => `${prefix}:events:${name}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function addConnection(database: TestDatabase, name: string) {
  await database.prisma.connection.create({
    data: { id: randomUUID(), kind: 'erp', erpType: 'generic-rest', name, credentials: Buffer.from([0]), credentialsKeyId: 'dev' },
  });
}

async function addUser(database: TestDatabase, email: string) {
  await database.prisma.user.create({ data: { email, role: 'admin', passwordHash: 'scrypt$x' } });
}

const input = (database: TestDatabase) => ({ databaseUrl: database.url, redisUrl: REDIS_URL, queuePrefix: prefix, adminEmail: ADMIN });

test('an empty database is left as it is', async ({ database }) => {
  await redis.set(jobKey('kept'), '1');
  expect(await clearDemoLeftovers(input(database))).toEqual({ outcome: 'empty' });
  expect(await redis.get(jobKey('kept'))).toBe('1');
  await redis.del(jobKey('kept'));
});

test('an earlier demo run is cleared: its rows and its queued jobs', async ({ database }) => {
  await addConnection(database, 'Demo ERP');
  await addConnection(database, 'Demo Shopify');
  await addUser(database, ADMIN);
  await database.prisma.sku.create({ data: { sku: 'TEE-0001-S', name: 'T-Shirt' } });
  await redis.set(jobKey('old-job'), '1');

  expect(await clearDemoLeftovers(input(database))).toEqual({ outcome: 'cleared', connections: 2 });
  expect(await database.prisma.connection.count()).toBe(0);
  expect(await database.prisma.user.count()).toBe(0);
  expect(await database.prisma.sku.count()).toBe(0);
  expect(await redis.exists(jobKey('old-job'))).toBe(0);
  // The migrations table survives: the database stays migrated.
  const migrations = await database.pool.query('select count(*)::int as count from _prisma_migrations');
  expect(migrations.rows[0].count).toBeGreaterThan(0);
});

const foreignRows: [string, (database: TestDatabase) => Promise<void>, string][] = [
  ['a connection the demo did not make', (database) => addConnection(database, 'Main Shopify'), 'connection "Main Shopify"'],
  ['a user the demo did not make', (database) => addUser(database, 'owner@shop.example'), 'user owner@shop.example'],
];

test.for(foreignRows)('a database holding %s is refused and left untouched', async ([, add, named], { database }) => {
  await addConnection(database, 'Demo ERP');
  await add(database);
  await redis.set(jobKey('real-job'), '1');
  const before = { connections: await database.prisma.connection.count(), users: await database.prisma.user.count() };

  const refusal = await clearDemoLeftovers(input(database)).catch((error: unknown) => error);
  expect(refusal).toBeInstanceOf(DemoDatabaseInUseError);
  expect((refusal as Error).message).toContain(named);
  expect((refusal as Error).message).toContain('DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stockbridge_demo npm run demo');
  expect({ connections: await database.prisma.connection.count(), users: await database.prisma.user.count() }).toEqual(before);
  expect(await redis.get(jobKey('real-job'))).toBe('1');

  await database.prisma.connection.deleteMany();
  await database.prisma.user.deleteMany();
  await redis.del(jobKey('real-job'));
});
