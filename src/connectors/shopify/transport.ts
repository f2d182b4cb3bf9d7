// The one place this connector touches the network. It points https://{shop} at a base-URL
// override (simulator, test server: Shopify's client libraries insist on HTTPS *.myshopify.com, so
// the rewrite happens here, per connection, instead of in a process-global fetch hook), applies
// the timeout, and turns every raw fetch failure into a typed connector error.
import { ConnectorError, PermanentError, RetryableError } from '../errors.js';

export type Transport = {
  /** Like fetch; rejects only with ConnectorError. Uses init.signal when given, else the default timeout. */
  fetch(url: string, init: RequestInit): Promise<Response>;
  readonly timeoutMs: number;
};

export type TransportOptions = {
  shopDomain: string;
  baseUrl?: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
};

// Node's (undici) codes for certificate and handshake failures: retrying cannot fix these.
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export function createTransport(options: TransportOptions): Transport {
  const origin = `https://${options.shopDomain}`;
  const base = options.baseUrl?.replace(/\/+$/, '');

  function rewrite(url: string): string {
    if (!base || !url.startsWith(origin)) return url;
    // Keep the override's own path so one simulator can host several shops (/shops/{shop}).
    return base + url.slice(origin.length);
  }

  return {
    timeoutMs: options.timeoutMs,
    async fetch(url, init) {
      const signal = init.signal ?? AbortSignal.timeout(options.timeoutMs);
      try {
        return await options.fetch(rewrite(url), { ...init, signal });
      } catch (error) {
        throw classifyFetchFailure(error, signal, { url: new URL(url).pathname, timeoutMs: options.timeoutMs });
      }
    },
  };
}

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyFetchFailure(
  error: unknown,
  signal: AbortSignal | null | undefined,
  context: { url: string; timeoutMs: number },
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const name = (error as { name?: unknown })?.name;
  if (signal?.aborted || name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(`Shopify did not answer within ${context.timeoutMs} ms`, { code: 'SHOPIFY_TIMEOUT', context });
  }
  const code = codeOf(error);
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) {
    return new PermanentError(`The TLS connection to Shopify failed (${code})`, {
      code: 'SHOPIFY_TLS_ERROR',
      context: { ...context, cause: code },
    });
  }
  return new RetryableError(`Shopify could not be reached (${code ?? 'network error'})`, {
    code: 'SHOPIFY_UNREACHABLE',
    context: { ...context, cause: code ?? 'unknown' },
  });
}

/** Retry-After is seconds (Shopify sends e.g. "2.0") or an HTTP date. */
export function parseRetryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
