// Builds the connector for a stored connection (decrypting its credentials). The sync engine,
// reconciliation and the connections API receive this, never the concrete connector modules.
import type { ChannelConnector, ErpConnector } from '../connectors/contract.js';

export type StoredConnection = {
  id: string;
  kind: 'shopify' | 'woocommerce' | 'erp';
  erpType: string | null;
  settings: unknown;
  credentials: Uint8Array;
  credentialsKeyId: string;
};

export type ConnectorFactory = {
  channel(connection: StoredConnection): ChannelConnector;
  erp(connection: StoredConnection): ErpConnector;
};
