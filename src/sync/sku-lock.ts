// A Redis lease per SKU: one worker at a time decides and writes a SKU's stock, any number of
// workers work on different SKUs. The lease has a TTL (a dead worker frees it) and an owner token
// (only the owner extends or releases it), and each acquisition draws a fencing token from a per-SKU
// counter. A worker that stalls past its TTL may wake up after another has taken over: the token,
// checked in the database write (skus.fence_token, see sku-fence.ts), is what stops it from writing.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

const ACQUIRE = `
-- KEYS[1] lock key, KEYS[2] fencing counter key
-- ARGV[1] owner token, ARGV[2] TTL in milliseconds
-- Returns the new fencing token (> 0) when the lock was free, 0 when another owner holds it.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

const EXTEND = `
-- KEYS[1] lock key
-- ARGV[1] owner token, ARGV[2] TTL in milliseconds
-- Returns 1 when the lease was ours and now runs for another TTL, 0 when it is no longer ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
-- KEYS[1] lock key
-- ARGV[1] owner token
-- Returns 1 when our lease was deleted, 0 when it had expired or belongs to someone else.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const RAISE_FENCE_FLOOR = `
-- KEYS[1] fencing counter key
-- ARGV[1] lowest value the counter may have (the token already stored in the database)
-- Returns the counter afterwards. Needed when Redis lost its data: a counter restarting at 1
-- would otherwise issue tokens the database refuses forever.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current < floor then
  redis.call('SET', KEYS[1], ARGV[1])
  return floor
end
return current`;

export type SkuLease = { sku: string; owner: string; fenceToken: bigint; signal: AbortSignal };

export type AcquireOutcome = { acquired: true; lease: Omit<SkuLease, 'signal'> } | { acquired: false };

export type LockedOutcome<T> = { acquired: true; value: T } | { acquired: false };

export class SkuLockLostError extends Error {
  readonly code = 'SKU_LOCK_LOST';
  readonly kind = 'retryable' as const;
  constructor(readonly sku: string) {
    super(`lost the lock of SKU ${sku} while working on it`);
    this.name = 'SkuLockLostError';
  }
}

export type SkuLockOptions = { redis: Redis; prefix: string; ttlMs: number; log: Logger };

export function createSkuLock(options: SkuLockOptions) {
  const run = scriptRunner(options.redis);
  const keys = (sku: string) => {
    // Both keys share one hash tag, so the scripts work on Redis Cluster too.
    const tag = createHash('sha256').update(sku).digest('hex').slice(0, 20);
    return { lock: `${options.prefix}:sku:{${tag}}:lock`, fence: `${options.prefix}:sku:{${tag}}:fence` };
  };

  async function tryAcquire(sku: string): Promise<AcquireOutcome> {
    const owner = randomUUID();
    const { lock, fence } = keys(sku);
    const token = Number(await run(ACQUIRE, [lock, fence], [owner, String(options.ttlMs)]));
    return token > 0 ? { acquired: true, lease: { sku, owner, fenceToken: BigInt(token) } } : { acquired: false };
  }

  /** Tries for up to `waitMs` (short jittered polls), then reports the lock busy. */
  async function acquire(sku: string, waitMs = 0): Promise<AcquireOutcome> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = await tryAcquire(sku);
      if (outcome.acquired || Date.now() >= deadline) return outcome;
      const pauseMs = Math.min(50, 5 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, Math.max(1, deadline - Date.now()))));
    }
  }

  const extend = async (lease: Pick<SkuLease, 'sku' | 'owner'>) =>
    Number(await run(EXTEND, [keys(lease.sku).lock], [lease.owner, String(options.ttlMs)])) === 1;
  const release = async (lease: Pick<SkuLease, 'sku' | 'owner'>) => Number(await run(RELEASE, [keys(lease.sku).lock], [lease.owner])) === 1;
  const raiseFenceFloor = async (sku: string, floor: bigint) =>
    BigInt(String(await run(RAISE_FENCE_FLOOR, [keys(sku).fence], [floor.toString()])));

  /**
   * Runs `work` holding the SKU's lease, renewing it every third of the TTL. If a renewal finds
   * the lease gone, `lease.signal` aborts: the work must stop before writing (the fencing token
   * refuses the write anyway).
   */
  async function withLock<T>(sku: string, work: (lease: SkuLease) => Promise<T>, waitMs = 0): Promise<LockedOutcome<T>> {
    const outcome = await acquire(sku, waitMs);
    if (!outcome.acquired) return { acquired: false };
    const controller = new AbortController();
    const lease: SkuLease = { ...outcome.lease, signal: controller.signal };
    const renewal = keepAlive(lease, controller, extend, options);
    try {
      return { acquired: true, value: await work(lease) };
    } finally {
      renewal.stop();
      await release(lease).catch((error: unknown) =>
        options.log.warn({ err: error, sku }, 'releasing a SKU lock failed; it expires by TTL'),
      );
    }
  }

  return { acquire, extend, release, raiseFenceFloor, withLock, ttlMs: options.ttlMs };
}

export type SkuLock = ReturnType<typeof createSkuLock>;

function keepAlive(
  lease: SkuLease,
  controller: AbortController,
  extend: (lease: SkuLease) => Promise<boolean>,
  options: Pick<SkuLockOptions, 'ttlMs' | 'log'>,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    const kept = await extend(lease).catch((error: unknown) => {
      options.log.warn({ err: error, sku: lease.sku }, 'renewing a SKU lock failed');
      return false;
    });
    if (stopped) return;
    if (!kept) {
      controller.abort(new SkuLockLostError(lease.sku));
      return;
    }
    timer = setTimeout(tick, Math.max(10, Math.floor(options.ttlMs / 3)));
  };
  timer = setTimeout(tick, Math.max(10, Math.floor(options.ttlMs / 3)));
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** EVALSHA with a fallback to EVAL when Redis does not have the script cached (restart, failover). */
function scriptRunner(redis: Redis) {
  const shas = new Map<string, string>();
  return async (script: string, keys: string[], args: string[]): Promise<unknown> => {
    let sha = shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      shas.set(script, sha);
    }
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return redis.eval(script, keys.length, ...keys, ...args);
    }
  };
}
