// nock fixtures for Frappe's REST API, shaped as docs.frappe.io documents them: list calls answer
// { data: [...] }, methods { message }, errors { exc_type, exception, _server_messages }.
import nock from 'nock';
import { createErpNextErp } from '../../../../src/connectors/erp/erpnext/client.js';
import { silentLog } from '../helpers.js';

export const ERPNEXT_ORIGIN = 'https://acme.erpnext.test';
export const TOKEN = 'token api-key-1:api-secret-1';

export function erpnext(options: { baseUrl?: string; pageSize?: number; timeoutMs?: number } = {}) {
  return createErpNextErp({
    baseUrl: options.baseUrl ?? ERPNEXT_ORIGIN,
    credentials: { apiKey: 'api-key-1', apiSecret: 'api-secret-1' },
    fetch: globalThis.fetch,
    log: silentLog,
    pageSize: options.pageSize,
    // nock 15 leaves an unmatched fetch hanging: a short timeout turns a fixture mismatch into a quick failure.
    timeoutMs: options.timeoutMs ?? 3_000,
  });
}

export function frappe() {
  return nock(ERPNEXT_ORIGIN, { reqheaders: { authorization: TOKEN } });
}

export type ListQuery = { fields: string[]; filters?: unknown[]; orderBy?: string; start?: number; pageLength: number };

/** Expects exactly this list query (every parameter, limit_page_length always present). */
export function expectList(scope: nock.Scope, doctype: string, query: ListQuery, data: unknown[]) {
  return scope
    .get(`/api/resource/${encodeURIComponent(doctype)}`)
    .query({
      fields: JSON.stringify(query.fields),
      ...(query.filters ? { filters: JSON.stringify(query.filters) } : {}),
      ...(query.orderBy ? { order_by: query.orderBy } : {}),
      limit_start: String(query.start ?? 0),
      limit_page_length: String(query.pageLength),
    })
    .reply(200, { data });
}

export function expectTimeZone(scope: nock.Scope, zone: string | null) {
  return scope.get('/api/method/frappe.client.get_time_zone').reply(200, { message: { time_zone: zone } });
}

export function frappeError(excType: string, message: string) {
  return {
    exception: `frappe.exceptions.${excType}: ${message}`,
    exc_type: excType,
    exc: '["Traceback (most recent call last):\\n  File \\"apps/frappe/frappe/app.py\\", line 1, in secret_internal_path"]',
    _server_messages: JSON.stringify([JSON.stringify({ message: `<b>${message}</b>`, indicator: 'red', raise_exception: 1 })]),
  };
}

export const BIN_FIELDS = ['name', 'item_code', 'warehouse', 'actual_qty', 'reserved_qty', 'ordered_qty', 'valuation_rate', 'modified'];

export function bin(overrides: Record<string, unknown>) {
  return {
    name: 'bin-0001',
    item_code: 'SKU-1',
    warehouse: 'Stores - ACME',
    actual_qty: 12.0,
    reserved_qty: 2.0,
    ordered_qty: 5.0,
    valuation_rate: 4.2,
    modified: '2026-03-01 11:00:00.250000',
    ...overrides,
  };
}
