// Vitest fixtures: a database of its own per test file (cloned from the migrated template), a
// queue prefix of its own, and fully wired services on both.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { test as base } from 'vitest';
import { createServices, type Services } from '../../src/app/services.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { createDatabase, type Database } from '../../src/db/client.js';
import { createScratchDatabase, databaseUrlWithName, dropDatabase } from '../../src/db/scratch-database.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { TEST_DATABASE_SERVER } from './template-database.js';

export type TestDatabase = Database & { url: string; name: string };

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.STOCKBRIDGE_TEST_TEMPLATE;
  if (!template) throw new Error('STOCKBRIDGE_TEST_TEMPLATE is not set: run through vitest (global setup)');
  const name = await createScratchDatabase(TEST_DATABASE_SERVER, { prefix: 'sbtest', template });
  const url = databaseUrlWithName(TEST_DATABASE_SERVER, name);
  const db = createDatabase({ url, poolSize: 5, statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 });
  return {
    ...db,
    url,
    name,
    async close() {
      await db.close();
      await dropDatabase(TEST_DATABASE_SERVER, name);
    },
  };
}

/** Captures log lines so tests can assert on them (and that no secret is in them). */
export function createLogCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination: stream }), text: () => lines.join('\n') };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    ALLOW_PRIVATE_ENDPOINTS: 'true',
    ...overrides,
  });
}

export type ServicesFixture = Services & { logs: ReturnType<typeof createLogCapture> };

export async function createTestServices(database: TestDatabase, overrides: Record<string, string> = {}): Promise<ServicesFixture> {
  const logs = createLogCapture();
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const services = await createServices(config, { log: logs.log, metrics: createMetrics({ defaultMetrics: false }) });
  return Object.assign(services, { logs });
}

/** Deletes every key under a queue prefix (tests clean up after themselves). */
export async function dropQueuePrefix(services: Services): Promise<void> {
  const keys = await services.redis.keys(`${services.config.queuePrefix}:*`);
  if (keys.length > 0) await services.redis.del(...keys);
}

/** `dbTest` gives each test file one database and one set of services (file-scoped). */
export const dbTest = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies by destructuring
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }) => {
    const database = await createTestDatabase();
    onCleanup(() => database.close());
    return database;
  })
  .extend('services', { scope: 'file' }, async ({ database }, { onCleanup }) => {
    const services = await createTestServices(database);
    onCleanup(async () => {
      await dropQueuePrefix(services).catch(() => {});
      await services.close();
    });
    return services;
  });

/** Waits for a condition without sleeping blindly: polls until true or the deadline passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
