// What the shared WooCommerce contract suite needs from a backend: a connector pointed at it and a
// few levers to arrange state and failures. Two implementations: nock fixtures (nock-world.ts)
// and the simulator (simulator-world.ts); the same suite runs against both.
import { pino } from 'pino';
import { createWooCommerceConnector, type WooCommerceConnector } from '../../../src/connectors/woocommerce/connector.js';
import type { SeedProduct } from '../../../src/simulators/woocommerce/store.js';

export type { SeedProduct };

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** Answer the next matching call with this status (endpoint = path after /wp-json/wc/v3/). */
export type FailSpec = { method: Method; endpoint: string; status: number; retryAfterSeconds?: number; wooCode?: string };
/** Hold the next matching call's answer; `apply` says whether the store does the work first. */
export type SlowSpec = { method: Method; endpoint: string; delayMs: number; apply: boolean };
export type CallRecord = { method: string; endpoint: string; query: Record<string, string> };

export type WooWorld = {
  name: string;
  connector: WooCommerceConnector;
  /** Where this world's webhooks point. */
  callbackUrl: string;
  seed(products: SeedProduct[]): Promise<void>;
  stockOf(id: number): Promise<number | null>;
  failNext(spec: FailSpec): Promise<void>;
  slowNext(spec: SlowSpec): Promise<void>;
  /** As WooCommerce does after the 7th failed delivery in a row. */
  disableWebhook(id: string): Promise<void>;
  /** A customer order, status processing: stock goes down. Returns the order id. */
  placeOrder(line: { sku: string; quantity: number }): Promise<number>;
  calls(): Promise<CallRecord[]>;
  close(): Promise<void>;
};

export type WorldOptions = { timeoutMs?: number; consumerSecret?: string };
export type WorldFactory = { name: string; create(options?: WorldOptions): Promise<WooWorld> };

export const CONSUMER_KEY = 'ck_contract_0123456789';
export const CONSUMER_SECRET = 'cs_contract_abcdef987654';
export const WEBHOOK_SECRET = 'whsec_contract_42';

export const silentLog = pino({ level: 'silent' });

export function connectorFor(options: { siteUrl: string; baseUrl?: string; consumerSecret?: string; timeoutMs?: number }) {
  return createWooCommerceConnector({
    connectionId: 'conn-contract',
    siteUrl: options.siteUrl,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    credentials: { consumerKey: CONSUMER_KEY, consumerSecret: options.consumerSecret ?? CONSUMER_SECRET, webhookSecret: WEBHOOK_SECRET },
    log: silentLog,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
}
