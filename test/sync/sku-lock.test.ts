import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createSkuLock } from '../../src/sync/sku-lock.js';
import { type ServicesFixture, dbTest as test, waitFor } from '../helpers/fixtures.js';
import { redisReady } from './engine-helpers.js';

const lockFor = (services: ServicesFixture, ttlMs: number) =>
  createSkuLock({ redis: services.redis, prefix: `${services.config.queuePrefix}:locks-${randomUUID()}`, ttlMs, log: services.log });

test.describe('per-SKU Redis lease', () => {
  test.beforeEach(async ({ services }) => {
    await redisReady(services);
  });

  test('one owner at a time, each acquisition with a higher fencing token', async ({ services }) => {
    const lock = lockFor(services, 5_000);
    const first = await lock.acquire('SKU-1');
    expect(first.acquired).toBe(true);
    expect(await lock.acquire('SKU-1')).toEqual({ acquired: false });
    expect((await lock.acquire('SKU-2')).acquired).toBe(true);
    if (!first.acquired) throw new Error('unreachable');
    expect(await lock.release(first.lease)).toBe(true);
    const second = await lock.acquire('SKU-1');
    expect(second.acquired && second.lease.fenceToken).toBe(first.lease.fenceToken + 1n);
  });

  test('only the owner extends or releases; a stranger cannot free the lease', async ({ services }) => {
    const lock = lockFor(services, 5_000);
    const held = await lock.acquire('SKU-1');
    if (!held.acquired) throw new Error('expected the lock');
    const stranger = { sku: 'SKU-1', owner: 'someone-else' };
    expect(await lock.extend(stranger)).toBe(false);
    expect(await lock.release(stranger)).toBe(false);
    expect(await lock.acquire('SKU-1')).toEqual({ acquired: false });
    expect(await lock.extend(held.lease)).toBe(true);
  });

  test('a lease whose owner died expires by TTL and is taken over with a newer token', async ({ services }) => {
    const lock = lockFor(services, 150);
    const dead = await lock.acquire('SKU-1');
    if (!dead.acquired) throw new Error('expected the lock');
    const next = await waitFor(async () => {
      const attempt = await lock.acquire('SKU-1');
      return attempt.acquired ? attempt : null;
    });
    expect(next.lease.fenceToken).toBeGreaterThan(dead.lease.fenceToken);
    expect(await lock.release(dead.lease)).toBe(false);
  });

  test('withLock renews the lease while work runs longer than the TTL', async ({ services }) => {
    const lock = lockFor(services, 200);
    let contenderGotIt = false;
    const result = await lock.withLock('SKU-1', async (lease) => {
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if ((await lock.acquire('SKU-1')).acquired) contenderGotIt = true;
      }
      return lease.signal.aborted;
    });
    expect(result).toEqual({ acquired: true, value: false });
    expect(contenderGotIt).toBe(false);
    expect((await lock.acquire('SKU-1')).acquired).toBe(true);
  });

  test('a lease lost while working aborts the work signal', async ({ services }) => {
    const prefix = `${services.config.queuePrefix}:locks-${randomUUID()}`;
    const lock = createSkuLock({ redis: services.redis, prefix, ttlMs: 150, log: services.log });
    const outcome = await lock.withLock('SKU-1', async (lease) => {
      const keys = await services.redis.keys(`${prefix}:*:lock`);
      await services.redis.del(...keys);
      await waitFor(async () => lease.signal.aborted, { timeoutMs: 2_000, what: 'the abort' });
      return (lease.signal.reason as { code?: string }).code;
    });
    expect(outcome).toEqual({ acquired: true, value: 'SKU_LOCK_LOST' });
  });

  test('a busy lock is waited for up to waitMs, then reported busy', async ({ services }) => {
    const lock = lockFor(services, 5_000);
    const held = await lock.acquire('SKU-1');
    if (!held.acquired) throw new Error('expected the lock');
    expect(await lock.acquire('SKU-1', 60)).toEqual({ acquired: false });
    setTimeout(() => void lock.release(held.lease), 30);
    expect((await lock.acquire('SKU-1', 2_000)).acquired).toBe(true);
  });

  test('the fencing counter can be lifted above a token the database already holds (Redis lost its data)', async ({ services }) => {
    const lock = lockFor(services, 5_000);
    expect(await lock.raiseFenceFloor('SKU-1', 500n)).toBe(500n);
    expect(await lock.raiseFenceFloor('SKU-1', 10n)).toBe(500n);
    const next = await lock.acquire('SKU-1');
    expect(next.acquired && next.lease.fenceToken).toBe(501n);
  });
});
