import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ListingRef, levelKey, type PendingState, planPushes } from '../../src/sync/push-plan.js';

const listing = (sku: string, extra: Partial<ListingRef> = {}): ListingRef => ({
  sku,
  externalProductId: `p-${sku}`,
  externalVariantId: `v-${sku}`,
  externalInventoryItemId: `i-${sku}`,
  state: 'active',
  manageStock: true,
  ...extra,
});

const state = (sku: string, target: number | null, lastSeen: number | null, location = 'loc-1'): PendingState => ({
  sku,
  externalLocationId: location,
  target,
  lastSeen,
  pendingCorrelationId: `corr-${sku}`,
});

describe('planPushes', () => {
  it('writes the target with the last seen quantity as the compare-and-set base', () => {
    const plan = planPushes({ states: [state('A', 5, 7)], listings: [listing('A')], maxBatchSize: 10, reference: 'job-1' });
    expect(plan.settled).toEqual([]);
    expect(plan.batches).toEqual([
      [
        {
          sku: 'A',
          externalVariantId: 'v-A',
          externalProductId: 'p-A',
          externalInventoryItemId: 'i-A',
          externalLocationId: 'loc-1',
          quantity: 5,
          expectedCurrent: 7,
          reference: 'job-1',
          correlationId: 'corr-A',
        },
      ],
    ]);
  });

  it.each([
    ['the channel already shows the target', state('A', 5, 5), [listing('A')], 'already_at_target'],
    ['no target was computed', state('A', null, 5), [listing('A')], 'no_target'],
    ['no listing carries the SKU', state('A', 5, 1), [], 'unmapped'],
    ['the only listing is a duplicate SKU', state('A', 5, 1), [listing('A', { state: 'duplicate_sku' })], 'unmapped'],
    ['every listing was deleted', state('A', 5, 1), [listing('A', { state: 'deleted' })], 'deleted'],
    ['the channel does not manage stock for the item', state('A', 5, 1), [listing('A', { manageStock: false })], 'untracked'],
  ])('settles without a call when %s', (_name, pending, listings, outcome) => {
    const plan = planPushes({ states: [pending], listings, maxBatchSize: 10, reference: 'r' });
    expect(plan.batches).toEqual([]);
    expect(plan.settled).toEqual([{ sku: 'A', externalLocationId: 'loc-1', outcome }]);
  });

  it('an unknown last-seen quantity is pushed without a compare-and-set base', () => {
    const plan = planPushes({ states: [state('A', 3, null)], listings: [listing('A')], maxBatchSize: 10, reference: 'r' });
    expect(plan.batches[0]?.[0]).toMatchObject({ quantity: 3, expectedCurrent: null });
  });

  it('one SKU at two locations is two writes; a repeated state is one', () => {
    const plan = planPushes({
      states: [state('A', 1, 0, 'loc-1'), state('A', 2, 0, 'loc-2'), state('A', 4, 0, 'loc-2')],
      listings: [listing('A')],
      maxBatchSize: 10,
      reference: 'r',
    });
    expect(plan.batches.flat().map((write) => [write.externalLocationId, write.quantity])).toEqual([
      ['loc-1', 1],
      ['loc-2', 4],
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a batch size of %s', (maxBatchSize) => {
    expect(() => planPushes({ states: [], listings: [], maxBatchSize, reference: 'r' })).toThrow(RangeError);
  });

  it('property: batches respect the size, never repeat an (item, location), and every state is written or settled once', () => {
    const arbitraryState = fc.record({
      sku: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'),
      externalLocationId: fc.constantFrom('loc-1', 'loc-2', 'loc-3'),
      target: fc.option(fc.integer({ min: 0, max: 20 })),
      lastSeen: fc.option(fc.integer({ min: 0, max: 20 })),
      pendingCorrelationId: fc.constant(null),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryState, { maxLength: 60 }),
        fc.subarray(['A', 'B', 'C', 'D', 'E', 'F', 'G']),
        fc.integer({ min: 1, max: 7 }),
        (states, mapped, maxBatchSize) => {
          const plan = planPushes({ states, listings: mapped.map((sku) => listing(sku)), maxBatchSize, reference: 'r' });
          const keys = new Set<string>();
          for (const batch of plan.batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxBatchSize);
            for (const write of batch) {
              expect(keys.has(levelKey(write))).toBe(false);
              keys.add(levelKey(write));
              expect(write.quantity).toBeGreaterThanOrEqual(0);
              expect(write.expectedCurrent).not.toBe(write.quantity);
            }
          }
          const distinct = new Set(states.map((s) => `${s.sku}@${s.externalLocationId}`));
          const settled = new Set(plan.settled.map((s) => `${s.sku}@${s.externalLocationId}`));
          const written = new Set(plan.batches.flat().map((w) => `${w.sku}@${w.externalLocationId}`));
          expect(new Set([...settled, ...written])).toEqual(distinct);
        },
      ),
    );
  });
});
