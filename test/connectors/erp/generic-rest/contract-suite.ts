// The generic-rest connector's contract suite. It runs twice: against nock fixtures written from
// docs/erp-contract.yaml, and against the ERP simulator. Both backends arrange the same named
// scenarios and the same assertions judge them, so the fixtures and the simulator cannot drift
// apart without one of the runs failing.
import { afterEach, describe, expect, it } from 'vitest';
import type { ErpConnector, ErpStockRow } from '../../../../src/connectors/contract.js';
import { rejectionOf } from '../helpers.js';
import { CHANGED_ROW, ROWS, SALE, SALE_KEY, WAREHOUSES } from './fixtures.js';

export type Scenario =
  | 'warehouses'
  | 'stock-pages'
  | 'query'
  | 'changed-since'
  | 'movement-idempotent'
  | 'movement-reply-lost'
  | 'unknown-item'
  | 'unknown-warehouse'
  | 'wrong-key'
  | 'throttled'
  | 'unavailable';

export type ContractBackend = {
  /** A connector pointed at the backend (wrong key, small pages, short timeout when asked). */
  connector(options?: { apiKey?: string; pageSize?: number; timeoutMs?: number }): ErpConnector;
  /** Makes the backend ready for one scenario; `since` is the instant before the change in 'changed-since'. */
  arrange(scenario: Scenario): Promise<{ since?: Date }>;
  /** Ends a scenario the backend armed to misbehave (the next call then succeeds). */
  heal(): Promise<void>;
  /** Called after every test (nock: every interceptor was used). */
  verify(): void;
};

const withoutTime = ({ updatedAt: _updatedAt, ...rest }: ErpStockRow) => rest;

export function describeGenericRestContract(label: string, backend: () => ContractBackend) {
  describe(`generic-rest contract (${label})`, () => {
    afterEach(() => backend().verify());

    it('lists warehouse codes, and the connection test reports them in plain words', async () => {
      await backend().arrange('warehouses');
      const erp = backend().connector();
      expect(await erp.listWarehouses()).toEqual(WAREHOUSES.map((warehouse) => warehouse.code));
      const outcome = await erp.testConnection();
      expect(outcome).toEqual({ outcome: 'ok', detail: 'Connected to The ERP: 2 warehouses found.', warehouses: ['MAIN', 'EAST'] });
    });

    it('pages through all stock in (updatedAt, sku, warehouse) order and ends with a null cursor', async () => {
      await backend().arrange('stock-pages');
      const erp = backend().connector({ pageSize: 2 });
      const first = await erp.listStock(null);
      expect(first.items.map(withoutTime)).toEqual([ROWS[0], ROWS[1]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await erp.listStock(first.nextCursor);
      expect(second.items.map(withoutTime)).toEqual([ROWS[2]]);
      expect(second.nextCursor).toBeNull();
      const times = [...first.items, ...second.items].map((row) => row.updatedAt.getTime());
      expect(times.every((time, index) => Number.isFinite(time) && (index === 0 || time >= (times[index - 1] ?? 0)))).toBe(true);
    });

    it('reads the stock of given SKUs and leaves unknown SKUs out', async () => {
      await backend().arrange('query');
      const rows = await backend().connector().readStock(['SKU-2', 'NOPE']);
      expect(rows.map(withoutTime)).toEqual([ROWS[2]]);
    });

    it('lists only the rows changed since an instant', async () => {
      const { since } = await backend().arrange('changed-since');
      if (!since) throw new Error('the backend must say when the change happened');
      const page = await backend().connector().listChangedStock(since, null);
      expect(page.items.map(withoutTime)).toEqual([CHANGED_ROW]);
      expect(page.items[0]?.updatedAt.getTime()).toBeGreaterThanOrEqual(since.getTime());
      expect(page.nextCursor).toBeNull();
    });

    it('posts a movement once: a replay is a duplicate with the original result, a reused key with another body is refused', async () => {
      await backend().arrange('movement-idempotent');
      const erp = backend().connector();
      const posted = await erp.postMovement(SALE, SALE_KEY);
      expect(posted).toEqual({ outcome: 'posted', erpReference: expect.any(String), resultingOnHand: 10 });
      const replay = await erp.postMovement(SALE, SALE_KEY);
      expect(replay).toEqual({ outcome: 'duplicate', erpReference: posted.erpReference, resultingOnHand: 10 });
      const conflict = await rejectionOf(erp.postMovement({ ...SALE, quantity: -3 }, SALE_KEY));
      expect(conflict).toMatchObject({ kind: 'permanent', code: 'ERP_IDEMPOTENCY_CONFLICT', status: 409 });
    });

    it('a movement whose reply was lost times out, and its retry is reported as the duplicate it is', async () => {
      await backend().arrange('movement-reply-lost');
      const erp = backend().connector({ timeoutMs: 300 });
      const lost = await rejectionOf(erp.postMovement(SALE, SALE_KEY));
      expect(lost).toMatchObject({ kind: 'retryable', code: 'ERP_TIMEOUT' });
      await backend().heal();
      expect(await erp.postMovement(SALE, SALE_KEY)).toEqual({
        outcome: 'duplicate',
        erpReference: expect.any(String),
        resultingOnHand: 10,
      });
    });

    it.each([
      ['unknown-item', { ...SALE, sku: 'NOPE' }, 'ERP_UNKNOWN_ITEM'],
      ['unknown-warehouse', { ...SALE, warehouse: 'NOWHERE' }, 'ERP_UNKNOWN_WAREHOUSE'],
    ] as const)('a movement for an %s is a permanent error', async (scenario, movement, code) => {
      await backend().arrange(scenario);
      const error = await rejectionOf(backend().connector().postMovement(movement, `key-${scenario}`));
      expect(error).toMatchObject({ kind: 'permanent', code, status: 422 });
    });

    it('a wrong API key fails the connection test as auth_failed and every call as ERP_AUTH_FAILED', async () => {
      await backend().arrange('wrong-key');
      const erp = backend().connector({ apiKey: 'not-the-key' });
      const outcome = await erp.testConnection();
      expect(outcome.outcome).toBe('auth_failed');
      expect(outcome.detail).not.toContain('not-the-key');
      expect(await rejectionOf(erp.listStock(null))).toMatchObject({ kind: 'permanent', code: 'ERP_AUTH_FAILED', status: 401 });
    });

    it('429 is a throttle carrying the Retry-After wait', async () => {
      await backend().arrange('throttled');
      const error = await rejectionOf(backend().connector().listWarehouses());
      expect(error).toMatchObject({ kind: 'throttled', code: 'ERP_THROTTLED', status: 429, retryAfterMs: 2000 });
    });

    it('503 is retryable carrying the Retry-After wait', async () => {
      await backend().arrange('unavailable');
      const error = await rejectionOf(backend().connector().readStock(['SKU-1']));
      expect(error).toMatchObject({ kind: 'retryable', code: 'ERP_HTTP_5XX', status: 503, retryAfterMs: 2000 });
    });
  });
}
