// Redis connections. Workers need blocking connections that retry forever (BullMQ requires
// maxRetriesPerRequest: null). The API side must fail fast instead: no offline queue and a
// command timeout, so a Redis outage never stalls a webhook; the inbox relay enqueues later.
import { Redis } from 'ioredis';

export type RedisOptions = { url: string; commandTimeoutMs: number };

export function createWorkerRedis(options: RedisOptions, name = 'worker'): Redis {
  return new Redis(options.url, { maxRetriesPerRequest: null, connectionName: `stockbridge:${name}` });
}

export function createFailFastRedis(options: RedisOptions, name = 'api'): Redis {
  return new Redis(options.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs,
    connectionName: `stockbridge:${name}`,
    // Keep reconnecting in the background; callers see errors meanwhile, never hangs.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

export async function pingRedis(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}
