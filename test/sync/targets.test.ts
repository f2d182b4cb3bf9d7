import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableToSell,
  bundleAvailableToSell,
  channelTarget,
  chooseWarehouse,
  computeTargets,
  erpQuantity,
  type SkuStock,
  skuStock,
} from '../../src/sync/targets.js';

const basis = { subtractReserved: true, includeIncoming: false };
const stock = (erp: Record<string, number>, unreflected: Record<string, number> = {}): SkuStock => ({
  erp: new Map(Object.entries(erp)),
  unreflected: new Map(Object.entries(unreflected)),
});
const policy = (overrides: Partial<{ bufferQuantity: number; capQuantity: number | null; allocationPercent: number | null }> = {}) => ({
  bufferQuantity: 0,
  capQuantity: null,
  allocationPercent: null,
  ...overrides,
});

describe('ERP quantity basis', () => {
  it.each([
    [{ subtractReserved: true, includeIncoming: false }, 7],
    [{ subtractReserved: false, includeIncoming: false }, 10],
    [{ subtractReserved: true, includeIncoming: true }, 12],
    [{ subtractReserved: false, includeIncoming: true }, 15],
  ])('%o counts %i of on hand 10, reserved 3, incoming 5', (chosen, expected) => {
    expect(erpQuantity({ warehouse: 'W', onHand: 10, reserved: 3, incoming: 5 }, chosen)).toBe(expected);
  });
});

describe('available-to-sell', () => {
  it('sums the location warehouses and subtracts unreflected movements', () => {
    const view = skuStock(
      [
        { warehouse: 'A', onHand: 10, reserved: 2, incoming: 0, basis },
        { warehouse: 'B', onHand: 5, reserved: 0, incoming: 0, basis },
        { warehouse: 'C', onHand: 100, reserved: 0, incoming: 0, basis },
      ],
      [
        { warehouse: 'A', quantity: -3 },
        { warehouse: 'C', quantity: -50 },
      ],
    );
    expect(availableToSell(view, ['A', 'B'])).toBe(10);
    expect(availableToSell(view, 'all')).toBe(60);
  });

  it('a movement with no warehouse lowers every location', () => {
    const view = stock({ A: 5, B: 5 }, { '': -2 });
    expect(availableToSell(view, ['A'])).toBe(3);
    expect(availableToSell(view, ['B'])).toBe(3);
  });

  it('is unknown (null) when the ERP never reported the SKU', () => {
    expect(availableToSell(stock({}, { A: -1 }), 'all')).toBeNull();
  });
});

describe('channel target', () => {
  it.each([
    [10, policy(), 10],
    [10, policy({ bufferQuantity: 3 }), 7],
    [2, policy({ bufferQuantity: 3 }), 0],
    [10, policy({ capQuantity: 4 }), 4],
    [10, policy({ allocationPercent: 50 }), 5],
    [9, policy({ allocationPercent: 50, bufferQuantity: 1 }), 3],
    [-4, policy(), 0],
  ])('ATS %i with %o → %i', (available, chosen, expected) => {
    expect(channelTarget(available, chosen)).toBe(expected);
  });

  it('withholds a target with a reason when the slot has an issue or the ERP knows nothing', () => {
    const slots = [
      { connectionId: 'c1', externalLocationId: 'default', policy: policy(), warehouses: 'all' as const, issue: null },
      {
        connectionId: 'c2',
        externalLocationId: 'default',
        policy: policy(),
        warehouses: 'all' as const,
        issue: { status: 'unmapped' as const, code: 'DUPLICATE_SKU', message: 'x' },
      },
    ];
    expect(computeTargets({ kind: 'single', stock: stock({ A: 4 }) }, slots).map((slot) => slot.target)).toEqual([4, null]);
    expect(computeTargets({ kind: 'single', stock: stock({}) }, slots)[0]?.issue?.code).toBe('NOT_IN_ERP');
  });
});

describe('bundles', () => {
  it('sell as many as the scarcest component allows', () => {
    expect(
      bundleAvailableToSell([
        { quantity: 2, available: 9 },
        { quantity: 1, available: 7 },
      ]),
    ).toBe(4);
    expect(
      bundleAvailableToSell([
        { quantity: 2, available: 9 },
        { quantity: 1, available: null },
      ]),
    ).toBeNull();
    expect(bundleAvailableToSell([])).toBeNull();
  });

  it('a bundle target follows its components per location', () => {
    const subject = {
      kind: 'bundle' as const,
      components: [
        { quantity: 2, stock: stock({ A: 9, B: 1 }) },
        { quantity: 1, stock: stock({ A: 3, B: 8 }) },
      ],
    };
    const targets = computeTargets(subject, [
      { connectionId: 'c', externalLocationId: 'L1', policy: policy(), warehouses: ['A'], issue: null },
      { connectionId: 'c', externalLocationId: 'L2', policy: policy(), warehouses: ['B'], issue: null },
    ]);
    expect(targets.map((target) => target.target)).toEqual([3, 0]);
  });
});

describe('warehouse choice', () => {
  it('takes from the mapped warehouse with the most available-to-sell, first on a tie', () => {
    expect(chooseWarehouse(stock({ A: 2, B: 5 }, { B: -4 }), ['A', 'B'])).toBe('A');
    expect(chooseWarehouse(stock({ A: 5, B: 5 }), ['B', 'A'])).toBe('B');
    expect(chooseWarehouse(stock({}), [])).toBeNull();
  });
});

describe('properties', () => {
  const component = fc.record({ quantity: fc.integer({ min: 1, max: 12 }), available: fc.integer({ min: -50, max: 10_000 }) });

  it('bundle ATS never exceeds what its components allow, and one more bundle would exceed one of them', () => {
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 6 }), (components) => {
        const bundles = bundleAvailableToSell(components) as number;
        for (const part of components) expect(bundles * part.quantity).toBeLessThanOrEqual(part.available);
        expect(components.some((part) => (bundles + 1) * part.quantity > part.available)).toBe(true);
      }),
    );
  });

  it('a channel target is never negative, never above ATS, never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.option(fc.integer({ min: 0, max: 1_000_000 })),
        fc.option(fc.integer({ min: 1, max: 100 })),
        (available, bufferQuantity, capQuantity, allocationPercent) => {
          const target = channelTarget(available, { bufferQuantity, capQuantity, allocationPercent });
          expect(Number.isInteger(target)).toBe(true);
          expect(target).toBeGreaterThanOrEqual(0);
          expect(target).toBeLessThanOrEqual(Math.max(0, available));
          if (capQuantity !== null) expect(target).toBeLessThanOrEqual(capQuantity);
        },
      ),
    );
  });
});
