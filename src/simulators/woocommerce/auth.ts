// Authentication as WC_REST_Authentication does it (class-wc-rest-authentication.php):
// - OAuth 1.0a one-legged, parameters in the query string (what clients use over plain http):
//   signature = base64(HMAC-SHA1|SHA256(key = consumer_secret + "&", base string)), base string =
//   METHOD & enc(scheme://host/path) & enc(sorted enc(key)=enc(value) pairs joined by "&"),
//   every query parameter but oauth_signature included; timestamp within 15 minutes; a nonce is
//   never accepted twice within that window.
// - HTTP Basic with consumer key and secret (WooCommerce accepts it over https; accepted here on
//   any scheme so https-configured clients can be pointed at the simulator).
// - No credentials: the request runs as a logged-out user and the endpoint refuses it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type KeyPermissions = 'read' | 'write' | 'read_write';
export type AuthOutcome = { ok: true } | { ok: false; code: string; message: string; status: number };

const WINDOW_SECONDS = 15 * 60;

/** RFC 3986 encoding (PHP rawurlencode): encodeURIComponent plus !*'(). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!*'()]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query parameters with PHP's $_GET semantics: a repeated key keeps its last value. */
export function lastValueQuery(rawUrl: string): Record<string, string> {
  const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return params;
}

export function oauthBaseString(method: string, baseUrl: string, params: Record<string, string>): string {
  const pairs = Object.entries(params)
    .filter(([key]) => key !== 'oauth_signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, aValue], [b, bValue]) => (a === b ? (aValue < bValue ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`);
  return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(pairs.join('&'))}`;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const denied = (message: string, code = 'woocommerce_rest_authentication_error'): AuthOutcome => ({
  ok: false,
  code,
  message,
  status: 401,
});

export function createAuthenticator(options: { consumerKey: string; consumerSecret: string; now: () => Date }) {
  const nonces = new Map<string, number>();

  function checkOAuth(method: string, baseUrl: string, params: Record<string, string>): AuthOutcome {
    const required = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];
    const missing = required.filter((name) => !params[name]);
    if (missing.length > 0)
      return denied(`Missing OAuth parameter(s) ${missing.join(', ')}`, 'woocommerce_rest_authentication_missing_parameter');
    if (!safeEqual(params['oauth_consumer_key'] ?? '', options.consumerKey)) return denied('Consumer key is invalid.');
    const methodName = params['oauth_signature_method'];
    if (methodName !== 'HMAC-SHA1' && methodName !== 'HMAC-SHA256') return denied('Invalid signature - signature method is invalid.');
    const algorithm = methodName === 'HMAC-SHA1' ? 'sha1' : 'sha256';
    const expected = createHmac(algorithm, `${options.consumerSecret}&`)
      .update(oauthBaseString(method, baseUrl, params))
      .digest('base64');
    if (!safeEqual(expected, params['oauth_signature'] ?? '')) return denied('Invalid signature - provided signature does not match.');
    const nowSeconds = Math.floor(options.now().getTime() / 1000);
    const timestamp = Number(params['oauth_timestamp']);
    if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > WINDOW_SECONDS) return denied('Invalid timestamp.');
    for (const [nonce, seenAt] of nonces) if (seenAt < nowSeconds - WINDOW_SECONDS) nonces.delete(nonce);
    const nonce = params['oauth_nonce'] ?? '';
    if (nonces.has(nonce)) return denied('Invalid nonce - nonce has already been used.');
    nonces.set(nonce, timestamp);
    return { ok: true };
  }

  function checkBasic(header: string): AuthOutcome {
    const decoded = Buffer.from(header.slice('basic '.length).trim(), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const key = decoded.slice(0, Math.max(0, separator));
    const secret = decoded.slice(separator + 1);
    if (!safeEqual(key, options.consumerKey)) return denied('Consumer key is invalid.');
    if (separator < 0 || !safeEqual(secret, options.consumerSecret)) return denied('Consumer secret is invalid.');
    return { ok: true };
  }

  return {
    /** `baseUrl` is scheme://host/path of the request as the client addressed it. */
    authenticate(request: {
      method: string;
      baseUrl: string;
      authorization?: string | undefined;
      params: Record<string, string>;
    }): AuthOutcome {
      if (request.authorization?.toLowerCase().startsWith('basic ')) return checkBasic(request.authorization);
      if (request.params['oauth_consumer_key'] !== undefined || request.params['oauth_signature'] !== undefined) {
        return checkOAuth(request.method, request.baseUrl, request.params);
      }
      return denied('Sorry, you cannot list resources.', 'woocommerce_rest_cannot_view');
    },
  };
}

/** A read-only key may not POST/PUT/DELETE, a write-only key may not GET. */
export function checkPermissions(method: string, permissions: KeyPermissions): AuthOutcome {
  const reading = method === 'GET' || method === 'HEAD';
  if (reading && permissions === 'write') return denied('The API key provided does not have read permissions.');
  if (!reading && permissions === 'read') return denied('The API key provided does not have write permissions.');
  return { ok: true };
}
