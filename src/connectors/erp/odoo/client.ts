// Odoo connector over the external JSON-RPC API: stock.quant quantities per warehouse, product
// default_code as SKU, movements as inventory adjustments guarded by the idempotency key.
import type { ErpConnector } from '../../contract.js';
import { probeErpConnection } from '../connection-outcome.js';
import { createErpHttp } from '../erp-http.js';
import { DEFAULT_PAGE_SIZE, type ErpConnectorOptions } from '../erp-options.js';
import { validateMovement } from '../movement-check.js';
import { createOdooInventory } from './inventory.js';
import { createOdooRpc } from './json-rpc.js';
import { createOdooMovements } from './movements.js';

export function createOdooErp(options: ErpConnectorOptions): ErpConnector {
  const http = createErpHttp({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    log: options.log.child({ module: 'erp-odoo' }),
    timeoutMs: options.timeoutMs,
    // JSON-RPC carries the credentials in the body; no auth header.
    headers: {},
    now: options.now,
  });
  const rpc = createOdooRpc({
    http,
    database: options.settings?.database,
    login: options.credentials.apiKey,
    key: options.credentials.apiSecret,
  });
  const inventory = createOdooInventory({ rpc, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
  const movements = createOdooMovements({ rpc, warehouses: inventory.warehouses });
  const listWarehouses = async () => (await inventory.warehouses()).map((warehouse) => warehouse.code);

  return {
    kind: 'odoo',
    testConnection: () =>
      probeErpConnection('Odoo', async () => {
        await rpc.authenticate();
        return listWarehouses();
      }),
    listWarehouses,
    listStock: (cursor) => inventory.listStock(cursor),
    listChangedStock: (since, cursor) => inventory.listChangedStock(since, cursor),
    readStock: (skus) => inventory.readStock(skus),
    async postMovement(movement, idempotencyKey) {
      validateMovement(movement, idempotencyKey);
      return movements.postMovement(movement, idempotencyKey);
    },
  };
}
