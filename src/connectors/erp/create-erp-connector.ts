// Picks the ERP connector for a connection's erpType. The connector factory (src/connections) calls
// this with the decrypted credentials and stored settings.
import type { ErpType } from '../../connections/types.js';
import type { ErpConnector } from '../contract.js';
import type { ErpConnectorOptions } from './erp-options.js';
import { createErpNextErp } from './erpnext/client.js';
import { createGenericRestErp } from './generic-rest/client.js';
import { createOdooErp } from './odoo/client.js';

export type { ErpConnectorOptions } from './erp-options.js';

export function createErpConnector(erpType: ErpType, options: ErpConnectorOptions): ErpConnector {
  switch (erpType) {
    case 'generic-rest':
      return createGenericRestErp(options);
    case 'erpnext':
      return createErpNextErp(options);
    case 'odoo':
      return createOdooErp(options);
  }
}
