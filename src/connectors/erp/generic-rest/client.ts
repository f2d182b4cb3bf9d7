// Client for the generic-rest ERP contract (docs/erp-contract.yaml): any in-house ERP that
// implements four small operations. The ERP does the idempotency bookkeeping for movements (201 the
// first time, 200 with the original result on a replay, 409 on a reused key), so a retried job
// never moves stock twice.
import type { ErpConnector, ErpMovement, ErpMovementResult, ErpStockRow, Page } from '../../contract.js';
import { PermanentError } from '../../errors.js';
import { probeErpConnection } from '../connection-outcome.js';
import { createErpHttp, parseErpBody } from '../erp-http.js';
import { DEFAULT_PAGE_SIZE, type ErpConnectorOptions } from '../erp-options.js';
import { validateMovement } from '../movement-check.js';
import { GenericMovementResult, GenericStockList, GenericStockPage, GenericWarehouses, refineGenericError, toErpStockRow } from './map.js';

/** The contract's cap on SKUs per POST /stock/query and rows per page. */
const MAX_QUERY_SKUS = 1000;

export function createGenericRestErp(options: ErpConnectorOptions): ErpConnector {
  const pageSize = Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, 1000);
  const http = createErpHttp({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    log: options.log.child({ module: 'erp-generic-rest' }),
    timeoutMs: options.timeoutMs,
    headers: options.credentials.apiKey ? { authorization: `Bearer ${options.credentials.apiKey}` } : {},
    refineError: refineGenericError,
    now: options.now,
  });

  async function fetchStockPage(query: Record<string, string | number | undefined>): Promise<Page<ErpStockRow>> {
    const response = await http.request({ method: 'GET', path: '/stock', query: { ...query, limit: pageSize } });
    const page = parseErpBody(GenericStockPage, response.body, 'stock page');
    return { items: page.items.map(toErpStockRow), nextCursor: page.nextCursor };
  }

  async function listWarehouses(): Promise<string[]> {
    const response = await http.request({ method: 'GET', path: '/warehouses' });
    return parseErpBody(GenericWarehouses, response.body, 'warehouse list').items.map((warehouse) => warehouse.code);
  }

  return {
    kind: 'generic-rest',

    testConnection: () => probeErpConnection('The ERP', listWarehouses),

    listWarehouses,

    listStock: (cursor) => fetchStockPage({ cursor: cursor ?? undefined }),

    listChangedStock: (since, cursor) => fetchStockPage({ updatedSince: since.toISOString(), cursor: cursor ?? undefined }),

    async readStock(skus) {
      const unique = [...new Set(skus)];
      const rows: ErpStockRow[] = [];
      for (let start = 0; start < unique.length; start += MAX_QUERY_SKUS) {
        const chunk = unique.slice(start, start + MAX_QUERY_SKUS);
        const response = await http.request({ method: 'POST', path: '/stock/query', body: { skus: chunk } });
        rows.push(...parseErpBody(GenericStockList, response.body, 'stock query').items.map(toErpStockRow));
      }
      return rows;
    },

    async postMovement(movement: ErpMovement, idempotencyKey: string): Promise<ErpMovementResult> {
      validateMovement(movement, idempotencyKey);
      const response = await http.request({
        method: 'POST',
        path: '/movements',
        headers: { 'idempotency-key': idempotencyKey },
        body: {
          sku: movement.sku,
          warehouse: movement.warehouse,
          quantity: movement.quantity,
          kind: movement.kind,
          reference: movement.reference,
          occurredAt: movement.occurredAt.toISOString(),
        },
      });
      const result = parseErpBody(GenericMovementResult, response.body, 'movement result');
      if (response.status !== 200 && response.status !== 201) {
        throw new PermanentError(`The ERP answered HTTP ${response.status} to a movement; the contract allows 200 or 201`, {
          code: 'ERP_INVALID_RESPONSE',
          status: response.status,
          context: { idempotencyKey },
        });
      }
      return {
        outcome: response.status === 201 ? 'posted' : 'duplicate',
        erpReference: result.id,
        resultingOnHand: result.resultingOnHand,
      };
    },
  };
}
