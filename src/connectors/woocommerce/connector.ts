// The WooCommerce ChannelConnector: one store is one stock location ("default"). Everything talks to
// the REST API v3 through @woocommerce/woocommerce-rest-api (client.ts); every failure leaves as a
// RetryableError, ThrottledError or PermanentError with a WOO_* code.
import type { Logger } from 'pino';
import type { WooCommerceCredentials } from '../../connections/types.js';
import type { ChannelConnector, ChannelLocation, WebhookRegistration } from '../contract.js';
import { PermanentError } from '../errors.js';
import * as catalog from './catalog.js';
import { listChangedSince } from './changes.js';
import { apiRootOf, createWooClient } from './client.js';
import { testConnection } from './connection-test.js';
import { MAX_BATCH_SIZE, writeLevels } from './inventory.js';
import { readLevels } from './levels.js';
import { WOO_LOCATION_ID } from './map.js';
import * as subscriptions from './webhook-subscriptions.js';

export type WooCommerceConnectorOptions = {
  connectionId: string;
  siteUrl: string;
  /** Replaces the site's origin (simulators, test servers). */
  baseUrl?: string;
  credentials: WooCommerceCredentials;
  log: Logger;
  /** Per-request timeout; a timed-out batch write is re-read before it is retried. */
  timeoutMs?: number;
  /** The SSRF guard's call-time check (WooClientOptions.checkEndpoint). */
  checkEndpoint?: (url: string) => Promise<string | null>;
};

export type WooCommerceConnector = ChannelConnector & {
  readonly kind: 'woocommerce';
  /** Our webhooks and WooCommerce's view of them, including those it disabled after failed deliveries. */
  listWebhooks(): Promise<subscriptions.WooWebhookInfo[]>;
  /** Sets a (disabled or paused) webhook active again. */
  reactivateWebhook(id: string): Promise<subscriptions.WooWebhookInfo>;
};

export const DEFAULT_TIMEOUT_MS = 30_000;

function checkUrl(name: string, value: string) {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new PermanentError(`${name} must be an http(s) URL`, { code: 'WOO_BAD_OPTIONS', context: { [name]: value } });
  }
}

export function createWooCommerceConnector(options: WooCommerceConnectorOptions): WooCommerceConnector {
  checkUrl('siteUrl', options.siteUrl);
  if (options.baseUrl) checkUrl('baseUrl', options.baseUrl);
  const log = options.log.child({ module: 'woocommerce', connectionId: options.connectionId });
  const apiRoot = apiRootOf(options.siteUrl, options.baseUrl);
  const client = createWooClient({
    siteUrl: options.siteUrl,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    credentials: options.credentials,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    log,
    ...(options.checkEndpoint ? { checkEndpoint: options.checkEndpoint } : {}),
  });
  const webhookDeps = { client, log, connectionId: options.connectionId, webhookSecret: options.credentials.webhookSecret };
  const location: ChannelLocation = { externalLocationId: WOO_LOCATION_ID, name: new URL(options.siteUrl).host };

  return {
    kind: 'woocommerce',
    maxBatchSize: MAX_BATCH_SIZE,
    testConnection: () => testConnection({ client, siteUrl: options.siteUrl, apiRoot }),
    listLocations: async () => [location],
    listCatalog: (cursor) => catalog.listCatalog(client, cursor),
    readLevels: (items) => readLevels(client, items),
    readAllLevels: () => catalog.readAllLevels(client),
    writeLevels: (batch, writeOptions) => writeLevels({ client, log }, batch, writeOptions),
    registerWebhooks: (callbackUrl) => subscriptions.registerWebhooks(webhookDeps, callbackUrl),
    unregisterWebhooks: (registrations: WebhookRegistration[]) => subscriptions.unregisterWebhooks(webhookDeps, registrations),
    listChangedSince: (since, cursor) => listChangedSince(client, since, cursor),
    listWebhooks: () => subscriptions.listWebhooks(webhookDeps),
    reactivateWebhook: (id) => subscriptions.reactivateWebhook(webhookDeps, id),
  };
}
