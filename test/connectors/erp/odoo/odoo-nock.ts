// nock fixtures for Odoo's external JSON-RPC API (odoo/documentation external_rpc_api.rst): every
// call is POST /jsonrpc { jsonrpc, method: 'call', params: { service, method, args }, id } and is
// answered { jsonrpc, id, result } or { jsonrpc, id, error: { code, message, data: { name, message } } }.
// Each expectation matches one exact call (model, method, positional args and kwargs).
import { isDeepStrictEqual } from 'node:util';
import type nock from 'nock';
import { createOdooErp } from '../../../../src/connectors/erp/odoo/client.js';
import { silentLog } from '../helpers.js';

export const ODOO_ORIGIN = 'https://acme.odoo.test';
export const DB = 'acme-prod';
export const LOGIN = 'stock-bot@acme.test';
export const KEY = 'odoo-api-key-1';
export const UID = 7;

export function odoo(options: { baseUrl?: string; pageSize?: number; timeoutMs?: number; database?: string | null } = {}) {
  return createOdooErp({
    baseUrl: options.baseUrl ?? ODOO_ORIGIN,
    credentials: { apiKey: LOGIN, apiSecret: KEY },
    settings: options.database === null ? {} : { database: options.database ?? DB },
    fetch: globalThis.fetch,
    log: silentLog,
    pageSize: options.pageSize,
    // nock 15 leaves an unmatched fetch hanging: a short timeout turns a fixture mismatch into a quick failure.
    timeoutMs: options.timeoutMs ?? 3_000,
  });
}

type RpcBody = { jsonrpc: string; method: string; id: number; params: { service: string; method: string; args: unknown[] } };

// nock 15 hands a reply function the fetch Request; the reply echoes the call's id as JSON-RPC does.
const reply = (answer: { result: unknown } | { error: unknown }) => async (request: Request) => {
  const body = (await request.json()) as RpcBody;
  return { jsonrpc: '2.0', id: body.id, ...answer };
};

export function expectAuthenticate(scope: nock.Scope, result: number | false = UID) {
  return scope
    .post(
      '/jsonrpc',
      (body: RpcBody) =>
        body.method === 'call' && body.params.service === 'common' && isDeepStrictEqual(body.params.args, [DB, LOGIN, KEY, {}]),
    )
    .reply(200, reply({ result }));
}

export type KwCall = { model: string; method: string; args: unknown[]; kwargs?: Record<string, unknown> };

function matches(call: KwCall) {
  return (body: RpcBody) =>
    body.params.service === 'object' &&
    body.params.method === 'execute_kw' &&
    isDeepStrictEqual(body.params.args, [DB, UID, KEY, call.model, call.method, call.args, call.kwargs ?? {}]);
}

export function expectKw(scope: nock.Scope, call: KwCall, result: unknown) {
  return scope.post('/jsonrpc', matches(call)).reply(200, reply({ result }));
}

export function expectKwError(scope: nock.Scope, call: KwCall, name: string, message: string) {
  return scope.post('/jsonrpc', matches(call)).reply(
    200,
    reply({
      error: {
        code: 200,
        message: 'Odoo Server Error',
        data: { name, message, debug: 'Traceback (most recent call last): ...', arguments: [message] },
      },
    }),
  );
}

export const WAREHOUSES = [
  { id: 1, code: 'WH', name: 'San Francisco', lot_stock_id: [8, 'WH/Stock'] },
  { id: 2, code: 'EU', name: 'Brussels', lot_stock_id: [20, 'EU/Stock'] },
];

export function expectWarehouses(scope: nock.Scope, times = 1) {
  for (let index = 0; index < times; index += 1) {
    expectKw(
      scope,
      {
        model: 'stock.warehouse',
        method: 'search_read',
        args: [[]],
        kwargs: { fields: ['code', 'name', 'lot_stock_id'], order: 'id asc' },
      },
      WAREHOUSES,
    );
  }
}

export const PRODUCT_FIELDS = ['default_code', 'display_name', 'standard_price', 'write_date'];
export const QUANT_FIELDS = ['product_id', 'warehouse_id', 'quantity', 'reserved_quantity', 'write_date'];

/** The quant read and the per-warehouse incoming reads for a set of product ids. */
export function expectLevels(scope: nock.Scope, ids: number[], quants: unknown[], incoming: Record<number, Record<number, number>> = {}) {
  expectKw(
    scope,
    {
      model: 'stock.quant',
      method: 'search_read',
      args: [
        [
          ['product_id', 'in', ids],
          ['location_id', 'child_of', [8, 20]],
        ],
      ],
      kwargs: { fields: QUANT_FIELDS },
    },
    quants,
  );
  for (const warehouse of WAREHOUSES) {
    expectKw(
      scope,
      {
        model: 'product.product',
        method: 'read',
        args: [ids, ['incoming_qty']],
        kwargs: { context: { warehouse: warehouse.id, warehouse_id: warehouse.id } },
      },
      ids.map((id) => ({ id, incoming_qty: incoming[warehouse.id]?.[id] ?? 0 })),
    );
  }
}
