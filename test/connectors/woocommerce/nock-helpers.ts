// Shared pieces of the WooCommerce nock suites: a connector on an https:// store (Basic auth) and
// resources built from the documented payloads in fixtures/.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { createWooCommerceConnector } from '../../../src/connectors/woocommerce/connector.js';
import { REDACTED_PATHS } from '../../../src/observability/logger.js';

export const SITE = 'https://shop.example.com';
export const API = '/wp-json/wc/v3';
export const KEY = 'ck_nock_1111111111';
export const SECRET = 'cs_nock_2222222222';
export const WEBHOOK_SECRET = 'whsec_nock_3333';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

export function product(fields: Record<string, unknown>) {
  return { ...fixture('product'), ...fields };
}
export function variation(fields: Record<string, unknown>) {
  return { ...fixture('variation'), ...fields };
}
export function order(fields: Record<string, unknown>) {
  return { ...fixture('order'), ...fields };
}
export function webhook(fields: Record<string, unknown>) {
  return { ...fixture('webhook'), ...fields };
}

export const pages = (totalPages: number, total = totalPages * 100) => ({
  'X-WP-TotalPages': String(totalPages),
  'X-WP-Total': String(total),
});

/** A nock scope on the store that insists on our Basic credentials. */
export function store() {
  return nock(SITE).matchHeader('authorization', `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
}

/** Every log line the connector writes, with the project's redaction, for secret-leak checks. */
export function createTestConnector(options: { timeoutMs?: number } = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const log = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  const connector = createWooCommerceConnector({
    connectionId: 'conn-nock',
    siteUrl: SITE,
    credentials: { consumerKey: KEY, consumerSecret: SECRET, webhookSecret: WEBHOOK_SECRET },
    log,
    timeoutMs: options.timeoutMs ?? 2_000,
  });
  return { connector, logText: () => lines.join('') };
}
