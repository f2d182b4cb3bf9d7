import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStaleByTime, orderErpRow, orderStoreReport } from '../../src/sync/ordering.js';
import {
  decideLevelReport,
  decideReflections,
  erpPolicyOf,
  type LevelState,
  requiresPost,
  type UnreflectedMovement,
} from '../../src/sync/policies.js';

const t = (second: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, second));
const timing = { echoWindowMs: 60_000, manualEditSettleMs: 10_000 };
const blank: LevelState = { target: null, lastSeen: null, lastSeenAt: null, lastPushed: null, lastPushedAt: null, lastEventAt: null };
const afterPush: LevelState = { target: 10, lastSeen: 10, lastSeenAt: t(0), lastPushed: 10, lastPushedAt: t(0), lastEventAt: null };

function decide(
  state: LevelState,
  available: number,
  reportedAt: Date,
  options: { now?: Date; policy?: 'erp-wins' | 'store-adjusts'; isBundle?: boolean } = {},
) {
  return decideLevelReport({
    state,
    report: { available, reportedAt, receivedAt: reportedAt },
    policy: options.policy ?? 'erp-wins',
    isBundle: options.isBundle ?? false,
    now: options.now ?? t(30),
    timing,
  });
}

describe('store reports: echo suppression and manual edits', () => {
  it('our own write coming back is an echo under both policies', () => {
    expect(decide(afterPush, 10, t(1), { policy: 'erp-wins' })).toEqual({ decision: 'echo', updateSeen: true });
    expect(decide(afterPush, 10, t(1), { policy: 'store-adjusts' })).toEqual({ decision: 'echo', updateSeen: true });
  });

  it('a different quantity right after our push is a genuine edit: reverted (erp-wins) or adjusted (store-adjusts)', () => {
    expect(decide(afterPush, 7, t(1), { now: t(20) })).toEqual({ decision: 'revert', delta: -3, expected: 10 });
    expect(decide(afterPush, 7, t(1), { now: t(20), policy: 'store-adjusts' })).toEqual({ decision: 'adjust', delta: -3, expected: 10 });
  });

  it('an unexplained change is judged only after the settle window (its order may still be on the way)', () => {
    expect(decide(afterPush, 8, t(1), { now: t(5) })).toEqual({ decision: 'deferred', retryAt: t(11), delta: -2 });
  });

  it('a bundle edit is always reverted: its count cannot say which component changed', () => {
    expect(decide(afterPush, 7, t(1), { now: t(20), policy: 'store-adjusts', isBundle: true }).decision).toBe('revert');
  });

  it('the store showing its target is a confirmation whatever caused it (a push still in flight)', () => {
    expect(decide({ ...afterPush, target: 6 }, 6, t(1)).decision).toBe('confirmed');
  });

  it('the store showing what it showed plus its own sales is a confirmation, not an edit', () => {
    const inferred = { ...afterPush, target: 7, lastSeen: 8, lastSeenAt: t(2) };
    expect(decide(inferred, 8, t(3)).decision).toBe('confirmed');
  });

  it('a late echo older than a sale the store made since our push changes nothing', () => {
    const inferred = { ...afterPush, lastSeen: 8, lastSeenAt: t(2) };
    expect(decide(inferred, 10, t(1))).toEqual({ decision: 'echo', updateSeen: false });
  });

  it('after a store sale, the pushed quantity set again by hand is an edit, not an echo', () => {
    const inferred = { ...afterPush, target: 8, lastSeen: 8, lastSeenAt: t(2) };
    expect(decide(inferred, 10, t(5), { now: t(30) }).decision).toBe('revert');
  });

  it('an equal report long after the echo window is no echo, but still a confirmation', () => {
    expect(decide(afterPush, 10, t(1), { now: new Date(t(0).getTime() + 3_600_000) }).decision).toBe('confirmed');
  });

  it('a report older than the newest applied one is stale', () => {
    expect(decide({ ...afterPush, lastEventAt: t(9) }, 3, t(8))).toEqual({ decision: 'stale', newestAppliedAt: t(9) });
  });

  it('the first report of a channel we never wrote is recorded, not judged', () => {
    expect(decide(blank, 4, t(1)).decision).toBe('first_sighting');
  });

  it('no push↔webhook loop: the report of a quantity we pushed never asks for another push', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.boolean(),
        fc.constantFrom<'erp-wins' | 'store-adjusts'>('erp-wins', 'store-adjusts'),
        (before, target, recorded, policy) => {
          // recorded: the push side already stored the write; otherwise its echo overtook the bookkeeping.
          const state: LevelState = recorded
            ? { target, lastSeen: target, lastSeenAt: t(1), lastPushed: target, lastPushedAt: t(1), lastEventAt: t(0) }
            : { target, lastSeen: before, lastSeenAt: t(0), lastPushed: before, lastPushedAt: t(0), lastEventAt: t(0) };
          const decision = decide(state, target, t(1), { policy, now: t(50) }).decision;
          expect(['echo', 'confirmed']).toContain(decision);
        },
      ),
    );
  });
});

describe('ordering', () => {
  it('compares platform timestamps, equal ones are applied', () => {
    expect(isStaleByTime(t(1), t(2))).toBe(true);
    expect(isStaleByTime(t(2), t(2))).toBe(false);
    expect(isStaleByTime(t(2), null)).toBe(false);
    expect(orderStoreReport(t(1), t(2))).toEqual({ outcome: 'stale', newestAppliedAt: t(2) });
    expect(orderErpRow(t(3), t(2))).toEqual({ outcome: 'newer' });
    expect(orderErpRow(t(2), t(2))).toEqual({ outcome: 'same' });
    expect(orderErpRow(t(1), t(2)).outcome).toBe('stale');
  });
});

describe('ERP movement policies', () => {
  it('post-movements posts everything; reserve-only posts only store adjustments', () => {
    expect(requiresPost('sale', 'post-movements')).toBe(true);
    expect(requiresPost('sale', 'reserve-only')).toBe(false);
    expect(requiresPost('release', 'reserve-only')).toBe(false);
    expect(requiresPost('adjustment', 'reserve-only')).toBe(true);
  });

  it('reads the policy from connection settings with safe defaults', () => {
    expect(erpPolicyOf({ movementPolicy: 'reserve-only', orderImportLagMs: 60_000 })).toMatchObject({
      movementPolicy: 'reserve-only',
      orderImportLagMs: 60_000,
    });
    expect(erpPolicyOf({ movementPolicy: 'nonsense' })).toMatchObject({ movementPolicy: 'post-movements', orderImportLagMs: 900_000 });
  });

  const movement = (overrides: Partial<UnreflectedMovement>): UnreflectedMovement => ({
    id: '1',
    warehouse: 'W',
    status: 'pending',
    postRequired: false,
    occurredAt: t(0),
    postRequestedAt: null,
    orderImportLagMs: 20_000,
    ...overrides,
  });

  it('a posted movement is reflected by an ERP report stamped at or after its first send', () => {
    const posted = movement({ postRequired: true, status: 'posted', postRequestedAt: t(5) });
    expect(decideReflections([posted], new Map([['W', t(5)]]), t(6))).toEqual(['1']);
    expect(decideReflections([posted], new Map([['W', t(4)]]), t(6))).toEqual([]);
    expect(decideReflections([{ ...posted, status: 'pending' }], new Map([['W', t(9)]]), t(10))).toEqual([]);
  });

  it('a reservation is reflected once the import lag passed and the ERP reported after the order', () => {
    const reservation = movement({});
    expect(decideReflections([reservation], new Map([['W', t(3)]]), t(10))).toEqual([]);
    expect(decideReflections([reservation], new Map([['W', t(3)]]), t(20))).toEqual(['1']);
    expect(decideReflections([reservation], new Map([['W', new Date(t(0).getTime() - 1)]]), t(40))).toEqual([]);
    expect(decideReflections([{ ...reservation, warehouse: 'X' }], new Map([['W', t(30)]]), t(40))).toEqual([]);
  });
});
