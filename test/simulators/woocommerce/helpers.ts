// Test helpers for the WooCommerce simulator: a webhook receiver that keeps raw bodies, an OAuth
// 1.0a signer written from RFC 5849 (independent of the simulator's verifier), and the real client.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import WooCommerceRestApiModule from '@woocommerce/woocommerce-rest-api';
import { startWooCommerceSimulator, type WooSimulatorOptions } from '../../../src/simulators/woocommerce/woocommerce-simulator.js';

export const KEY = 'ck_sim_test_0001';
export const SECRET = 'cs_sim_test_0002';

export type Received = { headers: IncomingHttpHeaders; body: Buffer };

/** Answers every request with `status()` and keeps what it received. */
export async function startReceiver(status: () => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    deliveries: () => received.filter((entry) => entry.headers['x-wc-webhook-topic'] !== undefined),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function startSimulator(options: Partial<WooSimulatorOptions> = {}) {
  return startWooCommerceSimulator({ consumerKey: KEY, consumerSecret: SECRET, deliveryTimeoutMs: 2_000, ...options });
}

/** The official client, as our connector uses it (OAuth 1.0a for http:// URLs). */
export function wooClient(url: string, consumerSecret = SECRET) {
  const loaded: unknown = WooCommerceRestApiModule;
  const Client = (
    typeof loaded === 'function' ? loaded : (loaded as { default: unknown }).default
  ) as typeof WooCommerceRestApiModule.default;
  return new Client({ url, consumerKey: KEY, consumerSecret, version: 'wc/v3' });
}

const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** A URL signed per RFC 5849 §3.4 with HMAC-SHA256, parameters in the query string. */
export function signedUrl(
  method: string,
  url: string,
  params: Record<string, string> = {},
  overrides: Record<string, string> = {},
  secret = SECRET,
): { url: string; oauth: Record<string, string> } {
  const oauth: Record<string, string> = {
    oauth_consumer_key: KEY,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...overrides,
  };
  const all = { ...params, ...oauth };
  const normalized = Object.keys(all)
    .map((key) => [encode(key), encode(all[key] ?? '')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const base = `${method.toUpperCase()}&${encode(url)}&${encode(normalized)}`;
  const signature = createHmac('sha256', `${encode(secret)}&`)
    .update(base)
    .digest('base64');
  const query = new URLSearchParams({ ...all, oauth_signature: signature });
  return { url: `${url}?${query}`, oauth: { ...oauth, oauth_signature: signature } };
}

export const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
