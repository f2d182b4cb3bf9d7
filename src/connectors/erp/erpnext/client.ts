// ERPNext (Frappe REST) connector: Bin rows for stock, Stock Entries for movements, token auth
// (`Authorization: token <api_key>:<api_secret>`, platform-apis.md §7).
import { z } from 'zod';
import type { ErpConnector } from '../../contract.js';
import { probeErpConnection } from '../connection-outcome.js';
import { createErpHttp } from '../erp-http.js';
import { DEFAULT_PAGE_SIZE, type ErpConnectorOptions } from '../erp-options.js';
import { validateMovement } from '../movement-check.js';
import { createFrappeApi } from './frappe-api.js';
import { assertTimeZone } from './frappe-time.js';
import { createErpNextInventory } from './inventory.js';
import { refineFrappeError } from './map.js';
import { createErpNextMovements } from './movements.js';

// What Frappe itself assumes when System Settings has no time zone (frappe.utils.get_system_timezone).
const FRAPPE_DEFAULT_TIME_ZONE = 'Asia/Kolkata';

export function createErpNextErp(options: ErpConnectorOptions): ErpConnector {
  const log = options.log.child({ module: 'erp-erpnext' });
  const { apiKey, apiSecret } = options.credentials;
  const http = createErpHttp({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    log,
    timeoutMs: options.timeoutMs,
    headers: apiKey && apiSecret ? { authorization: `token ${apiKey}:${apiSecret}` } : {},
    refineError: refineFrappeError,
    now: options.now,
  });
  const api = createFrappeApi(http);

  // The site's zone is read once per connector: `modified` values are wall-clock text in it.
  let timeZone: Promise<string> | undefined;
  const siteTimeZone = () => {
    timeZone ??= api
      .method('frappe.client.get_time_zone', z.object({ time_zone: z.string().nullish() }))
      .then((message) => {
        const zone = message.time_zone || FRAPPE_DEFAULT_TIME_ZONE;
        assertTimeZone(zone);
        return zone;
      })
      .catch((error: unknown) => {
        timeZone = undefined; // a failed read is retried by the next call
        throw error;
      });
    return timeZone;
  };

  const inventory = createErpNextInventory({ api, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE, timeZone: siteTimeZone });
  const movements = createErpNextMovements({ api, log });

  return {
    kind: 'erpnext',

    testConnection: () =>
      probeErpConnection('ERPNext', async () => {
        // Checks the token before anything else: a list call by an unknown key can look like "no rows".
        await api.method('frappe.auth.get_logged_user', z.string());
        return inventory.listWarehouses();
      }),

    listWarehouses: () => inventory.listWarehouses(),
    listStock: (cursor) => inventory.listBins(null, cursor),
    listChangedStock: (since, cursor) => inventory.listBins(since, cursor),
    readStock: (skus) => inventory.readBins(skus),

    async postMovement(movement, idempotencyKey) {
      validateMovement(movement, idempotencyKey);
      return movements.postMovement(movement, idempotencyKey);
    },
  };
}
