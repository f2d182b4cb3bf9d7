// The simulated ERP's books without HTTP: ordering, paging under concurrent writes, idempotency.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, createErpState } from '../../../src/simulators/erp/erp-state.js';

function seeded(count: number, now: () => number = () => 1_000) {
  const state = createErpState({ now });
  state.upsertWarehouse({ code: 'W1', name: 'One' });
  state.upsertWarehouse({ code: 'W2', name: 'Two' });
  for (let index = 0; index < count; index += 1) {
    const sku = `S${String(index).padStart(3, '0')}`;
    state.upsertItem({ sku, name: null, unitCost: '1.00' });
    state.setLevel(sku, index % 2 === 0 ? 'W1' : 'W2', { onHand: index });
  }
  return state;
}

describe('ERP simulator state', () => {
  it('stamps every write later than all earlier ones, even when the clock stands still or goes back', () => {
    let clock = 5_000;
    const state = seeded(0, () => clock);
    state.upsertItem({ sku: 'A', name: null, unitCost: null });
    const first = state.setLevel('A', 'W1', { onHand: 1 });
    clock = 4_000;
    const second = state.setLevel('A', 'W2', { onHand: 1 });
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
  });

  it('paging while rows are written never skips a row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (count, limit, writes) => {
          const state = seeded(count);
          const seen = new Set<string>();
          let after: ReturnType<typeof state.listRows>['next'] | undefined;
          let write = 0;
          for (let pages = 0; pages < 1000; pages += 1) {
            const page = state.listRows({ after: after ?? undefined, limit });
            for (const row of page.items) seen.add(`${row.sku}/${row.warehouse}`);
            // Between pages, someone writes a few rows (already seen or not).
            for (let n = 0; n < 2 && write < writes.length; n += 1, write += 1) {
              const index = (writes[write] ?? 0) % count;
              state.setLevel(`S${String(index).padStart(3, '0')}`, index % 2 === 0 ? 'W1' : 'W2', { onHand: write });
            }
            if (!page.next) break;
            after = page.next;
          }
          expect(seen.size).toBe(count);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('updatedSince is inclusive', () => {
    let clock = 10_000;
    const state = seeded(0, () => clock);
    state.upsertItem({ sku: 'A', name: null, unitCost: null });
    state.setLevel('A', 'W1', { onHand: 1 });
    clock = 20_000;
    state.setLevel('A', 'W2', { onHand: 2 });
    expect(state.listRows({ updatedSinceMs: 20_000, limit: 10 }).items.map((row) => row.warehouse)).toEqual(['W2']);
    expect(state.listRows({ updatedSinceMs: 20_001, limit: 10 }).items).toEqual([]);
  });

  it('a key applies once; a replay returns the first result; another body under the key is a conflict', () => {
    const state = seeded(1);
    const body = { sku: 'S000', warehouse: 'W1', quantity: -1, kind: 'sale', reference: 'o-1', occurredAt: '2026-03-01T10:00:00.000Z' };
    const first = state.applyMovement('k', body);
    const replay = state.applyMovement('k', { ...body });
    const conflict = state.applyMovement('k', { ...body, quantity: -2 });
    expect(first).toMatchObject({ outcome: 'applied', result: { id: 'mv-1', resultingOnHand: -1 } });
    expect(replay).toEqual({ outcome: 'replayed', result: { id: 'mv-1', resultingOnHand: -1 } });
    expect(conflict).toEqual({ outcome: 'conflict' });
    expect(state.movements()).toHaveLength(1);
    expect(state.idempotencyLog()).toMatchObject({ entries: [{ key: 'k', applied: 1, replays: 1, conflicts: 1 }], doubleApplications: [] });
  });

  it('the log names a movement applied under two keys as a double application', () => {
    const state = seeded(1);
    const body = { sku: 'S000', warehouse: 'W1', quantity: -1, kind: 'sale', reference: 'o-1', occurredAt: '2026-03-01T10:00:00.000Z' };
    state.applyMovement('k1', body);
    state.applyMovement('k2', body);
    state.applyMovement('k3', { ...body, reference: 'o-2' });
    expect(state.idempotencyLog().doubleApplications).toEqual([
      { reference: 'o-1', sku: 'S000', warehouse: 'W1', kind: 'sale', keys: ['k1', 'k2'] },
    ]);
  });

  it('canonical JSON ignores key order, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
