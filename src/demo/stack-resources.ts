// The stack's own infrastructure: PostgreSQL and Redis (the default ones, or private throwaway
// instances), its database (the configured one, migrated; or a throwaway one), and a list of
// everything started so that stop() can undo it in reverse order.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { applyMigrations, ensureDatabase } from '../db/migrate.js';
import { createScratchDatabase, databaseUrlWithName, dropDatabase } from '../db/scratch-database.js';
import { ensurePostgres, ensureRedis } from './local-services.js';

export type Resource = { name: string; stop: () => Promise<unknown> };

/** Started resources, stopped last-first; a failed stop does not keep the others running. */
export function createResourceList() {
  const resources: Resource[] = [];
  let stopping: Promise<void> | null = null;
  return {
    add(name: string, stop: () => Promise<unknown>) {
      resources.push({ name, stop });
    },
    stopAll(): Promise<void> {
      stopping ??= (async () => {
        const failures: string[] = [];
        for (const resource of resources.reverse()) {
          try {
            await resource.stop();
          } catch (error) {
            failures.push(`${resource.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        if (failures.length > 0) throw new Error(`the stack did not stop cleanly:\n  ${failures.join('\n  ')}`);
      })();
      return stopping;
    },
  };
}

export type ResourceList = ReturnType<typeof createResourceList>;

export type StackDatabaseOptions = {
  /** The configured (or default) database URL. */
  url: string;
  /** A throwaway database on the same server, dropped at stop (tests, benches). */
  ephemeral: boolean;
  /** Cloned instead of migrated from scratch when given (the test suite's migrated template). */
  template?: string;
};

/** PostgreSQL reachable, the database there and migrated; returns its URL. */
export async function prepareDatabase(resources: ResourceList, options: StackDatabaseOptions): Promise<string> {
  const server = await ensurePostgres(options.url);
  if (server.private) resources.add('private PostgreSQL', server.stop);
  if (!options.ephemeral) {
    await ensureDatabase(server.url);
    await applyMigrations(server.url);
    return server.url;
  }
  const name = await createScratchDatabase(server.url, { prefix: 'stack', ...(options.template ? { template: options.template } : {}) });
  resources.add(`database ${name}`, () => dropDatabase(server.url, name));
  const url = databaseUrlWithName(server.url, name);
  if (!options.template) await applyMigrations(url);
  return url;
}

/** Redis reachable; returns its URL and a connection for the stack's own use (closed at stop). */
export async function prepareRedis(resources: ResourceList, url: string): Promise<{ url: string; redis: Redis }> {
  const server = await ensureRedis(url);
  if (server.private) resources.add('private Redis', server.stop);
  const redis = new Redis(server.url, { maxRetriesPerRequest: 3, connectionName: 'stockbridge:stack' });
  resources.add('stack redis connection', () => redis.quit().catch(() => redis.disconnect()));
  return { url: server.url, redis };
}

export const ephemeralQueuePrefix = () => `stack-${randomBytes(6).toString('hex')}`;

/** Deletes every key under a queue prefix (a throwaway stack leaves nothing in Redis). */
export async function dropQueueKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
