// The concrete ConnectorFactory: decrypts a stored connection's credentials and builds its
// connector with the shared pieces every worker must agree on (Shopify's cost budget and token
// cache live in Redis), and with a fetch that re-checks the SSRF guard on every call.
import type { Redis } from 'ioredis';
import type { ChannelConnector, ErpConnector } from '../connectors/contract.js';
import { createErpConnector } from '../connectors/erp/create-erp-connector.js';
import { createShopifyConnector } from '../connectors/shopify/connector.js';
import { createCostBudget } from '../connectors/shopify/cost-budget.js';
import { createRedisTokenCache } from '../connectors/shopify/token-cache.js';
import { createWooCommerceConnector } from '../connectors/woocommerce/connector.js';
import type { CredentialsCipher } from '../crypto/credentials-cipher.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ConnectorFactory, StoredConnection } from './connector-factory.js';
import type { EndpointGuard } from './endpoint-guard.js';
import { ErpCredentials, ErpSettings, ShopifyCredentials, ShopifySettings, WooCommerceCredentials, WooCommerceSettings } from './types.js';

export type ConnectorFactoryDeps = {
  cipher: CredentialsCipher;
  redis: Redis;
  keyPrefix: string;
  guard: EndpointGuard;
  log: Logger;
  metrics: Metrics;
  shopifyApiVersion: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
};

export class ConnectionKindError extends Error {
  readonly code = 'CONNECTION_KIND_MISMATCH';
}

export function createConnectorFactory(deps: ConnectorFactoryDeps): ConnectorFactory {
  // Late-bound so nock (tests) can patch globalThis.fetch after this module loads.
  const baseFetch: typeof globalThis.fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetch = deps.guard.guardFetch(baseFetch);
  const budget = createCostBudget({
    redis: deps.redis,
    keyPrefix: `${deps.keyPrefix}:shopify-budget:`,
    onWait: ({ store }) => deps.metrics.throttleWaits.inc({ connection_id: store }),
  });
  const tokenCache = createRedisTokenCache({ redis: deps.redis, keyPrefix: `${deps.keyPrefix}:shopify-token:` });

  return {
    channel(connection: StoredConnection): ChannelConnector {
      const log = deps.log.child({ connectionId: connection.id });
      if (connection.kind === 'shopify') {
        const settings = ShopifySettings.parse(connection.settings);
        return createShopifyConnector({
          connectionId: connection.id,
          shopDomain: settings.shopDomain,
          apiVersion: settings.apiVersion ?? deps.shopifyApiVersion,
          credentials: ShopifyCredentials.parse(deps.cipher.decryptStored(connection)),
          ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
          fetch,
          log,
          ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
          tokenCache,
          budget,
          onCall: (call) => {
            if (call.available === undefined) return;
            // The bucket size is learned from the platform: report the share left, 0..1.
            void budget
              .read(settings.shopDomain)
              .then((state) => {
                if (state && state.maximum > 0)
                  deps.metrics.rateLimitHeadroom.set({ connection_id: connection.id }, state.available / state.maximum);
              })
              .catch(() => {});
          },
        });
      }
      if (connection.kind === 'woocommerce') {
        const settings = WooCommerceSettings.parse(connection.settings);
        return createWooCommerceConnector({
          connectionId: connection.id,
          siteUrl: settings.siteUrl,
          ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
          credentials: WooCommerceCredentials.parse(deps.cipher.decryptStored(connection)),
          log,
          ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
          // The WooCommerce library makes its own requests (axios), so it gets the guard's check
          // instead of the guarded fetch.
          checkEndpoint: async (url) => {
            const decision = await deps.guard.check(url);
            return decision.outcome === 'refused' ? decision.reason : null;
          },
        });
      }
      throw new ConnectionKindError(`connection ${connection.id} is an ERP, not a channel`);
    },
    erp(connection: StoredConnection): ErpConnector {
      if (connection.kind !== 'erp') throw new ConnectionKindError(`connection ${connection.id} is a ${connection.kind} store, not an ERP`);
      const settings = ErpSettings.parse({ erpType: connection.erpType, ...(connection.settings as object) });
      return createErpConnector(settings.erpType, {
        baseUrl: settings.baseUrl,
        credentials: ErpCredentials.parse(deps.cipher.decryptStored(connection)),
        settings: { ...(settings.database ? { database: settings.database } : {}) },
        fetch,
        log: deps.log.child({ connectionId: connection.id }),
        ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
      });
    },
  };
}
