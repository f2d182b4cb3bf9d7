// What every ERP connector factory receives. The connection's stored settings and decrypted
// credentials are passed in; the connector never reads the database or the environment.
import type { ErpCredentials } from '../../connections/types.js';
import type { ConnectorDeps } from '../contract.js';

export type ErpConnectorOptions = ConnectorDeps & {
  /** The ERP's API origin (or a simulator / test server standing in for it). */
  baseUrl: string;
  credentials: ErpCredentials;
  /** Only Odoo reads a setting: the database name. ErpSettings fits here as it is. */
  settings?: { database?: string };
  /** Rows per page when listing (default 200). */
  pageSize?: number;
  /** Clock, for Retry-After dates and time windows. */
  now?: () => number;
};

export const DEFAULT_PAGE_SIZE = 200;
