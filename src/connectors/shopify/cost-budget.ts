// Shopify's GraphQL rate limit is a leaky bucket per app and store, measured in query cost points
// (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). Every worker calling one
// store draws from that same bucket, so our model of it lives in Redis, shared by all of them:
// before a call we reserve its requested cost and wait until the bucket can afford it; after the
// call the response's extensions.cost.throttleStatus corrects the model. A call the model cannot
// afford is never sent, so THROTTLED answers stay the exception instead of the way we find limits.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateBudget } from '../contract.js';
import { ThrottledError } from '../errors.js';

/** Redis TIME in milliseconds; every worker shares Redis's clock, not its own. */
const NOW_MS = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Sums the costs of reservations still in flight and not past their lease (members are "<id>|<cost>"). */
const SUM_INFLIGHT = `local function inflight() local sum = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')) do sum = sum + tonumber(string.match(m, '|(.+)$')) end
  return sum end`;

// Why the model never counts above max − (costs in flight): a reserved call is charged by Shopify only
// when it runs, a little later. If Shopify's bucket is full meanwhile, its refill is lost at the cap,
// while a model that charged at reservation time would keep refilling, and would drift above Shopify.

// KEYS[1] bucket hash {available, max, restore, at}; KEYS[2] in-flight reservations (zset, score = lease end ms)
// ARGV[1] cost, ARGV[2] reservation id, ARGV[3] lease ms, ARGV[4] idle ttl ms, ARGV[5] wait while probing ms
// Returns {1, 0} when reserved, {0, waitMs} when the bucket cannot afford the cost yet.
const RESERVE = `${NOW_MS}
${SUM_INFLIGHT}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local cost = tonumber(ARGV[1])
local member = ARGV[2] .. '|' .. ARGV[1]
local h = redis.call('HMGET', KEYS[1], 'available', 'max', 'restore', 'at')
if not h[2] then
  -- Bucket size unknown (first call, or idle state expired): one call at a time until an answer reports it.
  if redis.call('ZCARD', KEYS[2]) > 0 then return {0, tonumber(ARGV[5])} end
else
  local max, restore = tonumber(h[2]), tonumber(h[3])
  local ceiling = max - inflight()
  local refilled = tonumber(h[1]) + (now - tonumber(h[4])) * restore / 1000
  local available = math.min(ceiling, refilled)
  local needed = math.min(cost, max)
  if available < needed then
    local wait = math.ceil((needed - available) * 1000 / restore)
    -- Capped by calls in flight: only their answers free room, so look again no sooner than the probe interval.
    if refilled > ceiling and wait < tonumber(ARGV[5]) then wait = tonumber(ARGV[5]) end
    return {0, wait}
  end
  redis.call('HSET', KEYS[1], 'available', tostring(available - needed), 'at', now)
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), member)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, 0}`;

// KEYS as above. ARGV[1] reservation id, ARGV[2] reserved cost, ARGV[3] charged cost (-1: unknown, keep the
// reservation charged), ARGV[4] maximumAvailable, ARGV[5] currentlyAvailable, ARGV[6] restoreRate (ARGV[4..6]
// are -1 when the answer carried no throttle status), ARGV[7] idle ttl ms. Returns the modelled available points.
const SETTLE = `${NOW_MS}
${SUM_INFLIGHT}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. ARGV[2])
local others = inflight()
local reserved, charged = tonumber(ARGV[2]), tonumber(ARGV[3])
local max, current, restore = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local h = redis.call('HMGET', KEYS[1], 'available', 'max', 'restore', 'at')
local available = nil
if h[2] then
  local oldMax = tonumber(h[2])
  -- Refill up to now (this call still counted as in flight), then refund what it held beyond its real cost.
  available = math.min(oldMax - others - reserved, tonumber(h[1]) + (now - tonumber(h[4])) * tonumber(h[3]) / 1000)
  if charged >= 0 then available = available + reserved - charged end
  available = math.min(available, oldMax - others)
end
if max >= 0 then
  -- The platform's figure predates calls still in flight; never let it raise our estimate, only lower it.
  local reported = math.min(current, max) - others
  if available == nil or reported < available then available = reported end
  redis.call('HSET', KEYS[1], 'max', tostring(max), 'restore', tostring(restore))
end
if available == nil then return '-1' end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', now)
if charged > 0 then redis.call('HINCRBYFLOAT', KEYS[1], 'spent', charged) end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return tostring(available)`;

// KEYS as above. Returns {available, max, restore} as strings, or an empty table when unknown.
const PEEK = `${NOW_MS}
${SUM_INFLIGHT}
local h = redis.call('HMGET', KEYS[1], 'available', 'max', 'restore', 'at')
if not h[2] then return {} end
local refilled = tonumber(h[1]) + (now - tonumber(h[4])) * tonumber(h[3]) / 1000
return {tostring(math.min(tonumber(h[2]) - inflight(), refilled)), h[2], h[3]}`;

export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };

/** What a finished call tells the budget. */
export type CallCost =
  | { kind: 'reported'; actualQueryCost: number | null; throttleStatus: ThrottleStatus | null }
  /** The platform answered without running the query (HTTP 4xx/5xx): nothing was charged. */
  | { kind: 'not_charged' }
  /** No answer (timeout, reset): it may have run, so the reservation stays charged. */
  | { kind: 'unknown' };

export type Reservation = { store: string; id: string; cost: number; waitedMs: number };

export type CostBudget = {
  /** Waits until the store's bucket can afford `cost`, then holds it. Throws ThrottledError past maxWaitMs. */
  reserve(store: string, cost: number): Promise<Reservation>;
  settle(reservation: Reservation, cost: CallCost): Promise<void>;
  read(store: string): Promise<RateBudget | null>;
};

export type CostBudgetOptions = {
  redis: Redis;
  /** Unique per deployment (and per test file). */
  keyPrefix: string;
  /** Longest a caller waits in reserve() before giving up with a ThrottledError. */
  maxWaitMs?: number;
  /** A reservation whose caller died is released after this long. */
  leaseMs?: number;
  /** State of an idle store is forgotten after this long (then re-learned with one probing call). */
  idleTtlMs?: number;
  /** Poll interval while the bucket size is still unknown. */
  probeWaitMs?: number;
  onWait?: (event: { store: string; cost: number; waitMs: number }) => void;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCostBudget(options: CostBudgetOptions): CostBudget {
  const { redis, keyPrefix } = options;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const idleTtlMs = options.idleTtlMs ?? 3_600_000;
  const probeWaitMs = options.probeWaitMs ?? 50;
  const sleep = options.sleep ?? defaultSleep;
  // The hash tag keeps both keys of a store in one Redis Cluster slot, as the scripts require.
  const keys = (store: string) => [`${keyPrefix}{${store}}:bucket`, `${keyPrefix}{${store}}:inflight`];

  return {
    async reserve(store, cost) {
      const id = randomUUID();
      const points = Math.max(1, Math.ceil(cost));
      let waitedMs = 0;
      for (;;) {
        const [granted, waitMs] = (await redis.eval(RESERVE, 2, ...keys(store), points, id, leaseMs, idleTtlMs, probeWaitMs)) as [
          number,
          number,
        ];
        if (granted === 1) return { store, id, cost: points, waitedMs };
        if (waitedMs + waitMs > maxWaitMs) {
          throw new ThrottledError(`Shopify cost budget for ${store} cannot afford ${points} points within ${maxWaitMs} ms`, {
            code: 'SHOPIFY_BUDGET_EXHAUSTED',
            retryAfterMs: waitMs,
            context: { store, cost: points },
          });
        }
        options.onWait?.({ store, cost: points, waitMs });
        await sleep(waitMs);
        waitedMs += waitMs;
      }
    },

    async settle(reservation, cost) {
      const charged = cost.kind === 'reported' ? (cost.actualQueryCost ?? 0) : cost.kind === 'not_charged' ? 0 : -1;
      const status = cost.kind === 'reported' ? cost.throttleStatus : null;
      await redis.eval(
        SETTLE,
        2,
        ...keys(reservation.store),
        reservation.id,
        reservation.cost,
        charged,
        status?.maximumAvailable ?? -1,
        status?.currentlyAvailable ?? -1,
        status?.restoreRate ?? -1,
        idleTtlMs,
      );
    },

    async read(store) {
      const values = (await redis.eval(PEEK, 2, ...keys(store))) as string[];
      if (values.length < 3) return null;
      const [available, maximum, restore] = values.map(Number) as [number, number, number];
      return { available: Math.max(0, available), maximum, restoreRatePerSecond: restore };
    },
  };
}
