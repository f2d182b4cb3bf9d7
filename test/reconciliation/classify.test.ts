import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSlot, type SlotComparison, valueOfDelta } from '../../src/reconciliation/classify.js';

const slot = (over: Partial<SlotComparison>): SlotComparison => ({
  sku: 'A',
  externalLocationId: 'loc-1',
  target: 10,
  erpQuantity: 10,
  level: { available: 10 },
  listedOnChannel: true,
  unitCost: '19.99',
  ...over,
});

describe('compareSlot', () => {
  it('a channel showing its target is a match', () => {
    expect(compareSlot(slot({}))).toEqual({ outcome: 'match' });
  });

  it.each([
    ['channel_high', { level: { available: 13 } }, { expected: 10, actual: 13, delta: 3, value: '59.9700' }],
    ['channel_low', { level: { available: 7 } }, { expected: 10, actual: 7, delta: -3, value: '-59.9700' }],
    ['missing_listing', { level: null }, { expected: 10, actual: null, delta: -10, value: '-199.9000' }],
    [
      'unmapped',
      { target: null, erpQuantity: null, unitCost: null, level: { available: 5 } },
      { expected: null, actual: 5, delta: 5, value: null },
    ],
  ] as const)('%s', (classification, over, expected) => {
    const outcome = compareSlot(slot(over));
    expect(outcome).toMatchObject({ outcome: 'discrepancy', discrepancy: { classification, ...expected } });
  });

  it('an untracked level is counted, not compared', () => {
    expect(compareSlot(slot({ level: { available: null } }))).toEqual({ outcome: 'untracked' });
  });

  it('a SKU neither listed nor reported on the channel is not its business', () => {
    expect(compareSlot(slot({ level: null, listedOnChannel: false }))).toEqual({ outcome: 'not_applicable' });
    expect(compareSlot(slot({ target: null, level: null }))).toEqual({ outcome: 'not_applicable' });
  });
});

describe('valueOfDelta', () => {
  it('is exact decimal arithmetic: 3 × 19.99 = 59.97, not 59.970000000000006', () => {
    expect(valueOfDelta(3, '19.99')).toBe('59.9700');
    expect(3 * 0.1).not.toBe(0.3); // the float trap this guards against
    expect(valueOfDelta(3, '0.1')).toBe('0.3000');
    expect(valueOfDelta(-7, '0.1')).toBe('-0.7000');
    expect(valueOfDelta(5, null)).toBeNull();
  });

  it('equals delta × cost computed in integer ten-thousandths, for any delta and 4-place cost', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (delta, costUnits) => {
        const cost = new Decimal(costUnits.toString()).div(10_000).toFixed(4);
        const exact = BigInt(delta) * costUnits;
        const sign = exact < 0n ? '-' : '';
        const magnitude = (exact < 0n ? -exact : exact).toString().padStart(5, '0');
        const expected = `${sign}${magnitude.slice(0, -4)}.${magnitude.slice(-4)}`;
        expect(valueOfDelta(delta, cost)).toBe(expected);
      }),
    );
  });
});
