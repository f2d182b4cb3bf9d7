// The Redis leaky bucket shared by every worker calling one store.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/connectors/errors.js';
import { type CostBudgetOptions, createCostBudget } from '../../../src/connectors/shopify/cost-budget.js';
import { waitFor } from '../../helpers/fixtures.js';
import { createTestRedis } from './helpers.js';

const redis = createTestRedis('shopify-budget');
afterAll(() => redis.drop());

function budgetFor(overrides: Partial<CostBudgetOptions> = {}) {
  const waits: number[] = [];
  const keyPrefix = `${redis.prefix}${randomUUID()}:`;
  const budget = createCostBudget({ redis: redis.redis, keyPrefix, onWait: (event) => waits.push(event.waitMs), ...overrides });
  return { budget, waits, keyPrefix };
}

const status = (maximumAvailable: number, currentlyAvailable: number, restoreRate: number) => ({
  maximumAvailable,
  currentlyAvailable,
  restoreRate,
});

describe('the shared Shopify cost budget', () => {
  it('while the bucket size is unknown, only one call is in flight; the answer then sizes the bucket', async () => {
    const { budget, waits } = budgetFor({ probeWaitMs: 5 });
    const first = await budget.reserve('shop-a', 50);
    let secondGranted = false;
    const second = budget.reserve('shop-a', 50).then((reservation) => {
      secondGranted = true;
      return reservation;
    });
    // The second caller has been told to wait at least once, and is still waiting.
    await waitFor(async () => waits.length >= 2, { what: 'the second caller to wait' });
    expect(secondGranted).toBe(false);
    await budget.settle(first, { kind: 'reported', actualQueryCost: 50, throttleStatus: status(1_000, 950, 50) });
    await budget.settle(await second, { kind: 'reported', actualQueryCost: 50, throttleStatus: status(1_000, 900, 50) });
    const read = await budget.read('shop-a');
    expect(read?.maximum).toBe(1_000);
    expect(read?.restoreRatePerSecond).toBe(50);
    expect(read?.available).toBeGreaterThanOrEqual(900);
    expect(read?.available).toBeLessThan(910);
  });

  it('a call the bucket cannot afford waits (requested − available) / restoreRate before it may go', async () => {
    const { budget, waits } = budgetFor();
    const probe = await budget.reserve('shop-b', 10);
    // 40 of 100 points left, 1,000 points/s: a 90-point call must wait about 50 ms.
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 10, throttleStatus: status(100, 40, 1_000) });
    const reservation = await budget.reserve('shop-b', 90);
    // 50 missing points at 1,000/s is at most 50 ms (less when time passed since the answer).
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(50);
    expect(reservation.waitedMs).toBeGreaterThan(0);
  });

  it('the reservation is refunded down to the actual cost', async () => {
    const { budget } = budgetFor();
    const probe = await budget.reserve('shop-c', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(1_000, 999, 1) });
    const big = await budget.reserve('shop-c', 500);
    expect((await budget.read('shop-c'))?.available).toBeLessThan(500);
    await budget.settle(big, { kind: 'reported', actualQueryCost: 20, throttleStatus: status(1_000, 979, 1) });
    expect((await budget.read('shop-c'))?.available).toBeGreaterThanOrEqual(979);
  });

  it('a stale, higher reading from the platform never raises the estimate while other calls are in flight', async () => {
    const { budget } = budgetFor();
    const probe = await budget.reserve('shop-d', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(1_000, 1_000, 1) });
    const a = await budget.reserve('shop-d', 300);
    const b = await budget.reserve('shop-d', 300);
    // A's answer reports 700 left, but B (300) is still in flight: at most 400 remain.
    await budget.settle(a, { kind: 'reported', actualQueryCost: 300, throttleStatus: status(1_000, 700, 1) });
    expect((await budget.read('shop-d'))?.available).toBeLessThanOrEqual(401);
    await budget.settle(b, { kind: 'reported', actualQueryCost: 300, throttleStatus: status(1_000, 400, 1) });
    expect((await budget.read('shop-d'))?.available).toBeLessThanOrEqual(401);
  });

  it('while a call is in flight the model never counts above the bucket minus it, however long it waits', async () => {
    const { budget } = budgetFor({ maxWaitMs: 300, probeWaitMs: 20 });
    const probe = await budget.reserve('shop-i', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(100, 100, 1_000) });
    // Shopify may not have run this one yet: its full bucket loses refill at the cap until it does.
    const slow = await budget.reserve('shop-i', 60);
    await expect(budget.reserve('shop-i', 50)).rejects.toMatchObject({ code: 'SHOPIFY_BUDGET_EXHAUSTED' });
    await budget.settle(slow, { kind: 'reported', actualQueryCost: 60, throttleStatus: status(100, 40, 1_000) });
    const next = await budget.reserve('shop-i', 50);
    expect(next.cost).toBe(50);
  });

  it('two workers (two budget objects on one prefix) draw from the same bucket', async () => {
    const { budget, keyPrefix } = budgetFor({ maxWaitMs: 1_000 });
    const other = createCostBudget({ redis: redis.redis, keyPrefix });
    const probe = await budget.reserve('shop-e', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(100, 100, 1) });
    await other.reserve('shop-e', 80);
    await expect(budget.reserve('shop-e', 80)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('a wait longer than maxWaitMs is a ThrottledError carrying the wait, and nothing is reserved', async () => {
    const { budget } = budgetFor({ maxWaitMs: 100 });
    const probe = await budget.reserve('shop-f', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(1_000, 0, 1) });
    const error = await budget.reserve('shop-f', 500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ code: 'SHOPIFY_BUDGET_EXHAUSTED' });
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThan(400_000);
    expect((await budget.read('shop-f'))?.available).toBeLessThan(5);
  });

  it('a worker that dies holding a reservation blocks others only until its lease ends', async () => {
    const { budget } = budgetFor({ leaseMs: 80, probeWaitMs: 10 });
    await budget.reserve('shop-g', 10); // never settled: the worker "crashed"
    const next = await budget.reserve('shop-g', 10);
    expect(next.waitedMs).toBeGreaterThan(0);
  });

  it('a call that got no answer keeps its reservation charged; one that was refused is refunded', async () => {
    const { budget } = budgetFor();
    const probe = await budget.reserve('shop-h', 1);
    await budget.settle(probe, { kind: 'reported', actualQueryCost: 1, throttleStatus: status(1_000, 1_000, 1) });
    const lost = await budget.reserve('shop-h', 200);
    await budget.settle(lost, { kind: 'unknown' });
    expect((await budget.read('shop-h'))?.available).toBeLessThan(805);
    const refused = await budget.reserve('shop-h', 200);
    await budget.settle(refused, { kind: 'not_charged' });
    expect((await budget.read('shop-h'))?.available).toBeGreaterThanOrEqual(800);
  });
});
