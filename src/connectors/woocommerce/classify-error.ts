// Turns whatever the WooCommerce client library threw (an AxiosError, a timeout, a TLS failure)
// into one of our three error kinds with a stable code. The raw axios error never leaves: its
// `config` carries the consumer key and secret (Basic auth) or the OAuth query string.
import { ConnectorError, PermanentError, RetryableError, ThrottledError } from '../errors.js';

export type CallSite = { method: string; endpoint: string };

/** The shape of an AxiosError we read; anything else is classified as an unexpected failure. */
type HttpFailure = {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; headers?: Record<string, unknown>; data?: unknown };
};

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** The request never reached the store: nothing can have been applied. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The connection broke after the request may have been sent (reset, or the body stream aborted). */
const CONNECTION_LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_BAD_RESPONSE']);

/** WooCommerce's error body: `{ code, message, data: { status } }`. */
export function wooErrorBody(data: unknown): { code: string; message: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return null;
  return { code, message: typeof message === 'string' ? message : '' };
}

/** Retry-After is either delta-seconds (possibly fractional) or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: unknown, now: Date = new Date()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * A failure after which a write may or may not have been applied: re-read before retrying. An
 * unreadable 200 counts too: WordPress sites often print PHP notices ahead of the JSON, after the
 * batch was saved.
 */
export function isUnknownOutcome(error: unknown): boolean {
  return error instanceof ConnectorError && ['WOO_TIMEOUT', 'WOO_CONNECTION_LOST', 'WOO_INVALID_RESPONSE'].includes(error.code);
}

function codeForStatus(status: number): string {
  if (status === 401) return 'WOO_AUTH_FAILED';
  if (status === 403) return 'WOO_FORBIDDEN';
  if (status === 404) return 'WOO_NOT_FOUND';
  if (status === 413) return 'WOO_BATCH_TOO_LARGE';
  if (status === 429) return 'WOO_THROTTLED';
  return `WOO_HTTP_${status}`;
}

function fromResponse(failure: Required<Pick<HttpFailure, 'response'>>, site: CallSite): ConnectorError {
  const { status, headers = {}, data } = failure.response;
  const body = wooErrorBody(data);
  const details = {
    code: codeForStatus(status),
    status,
    requestId: typeof headers['x-request-id'] === 'string' ? headers['x-request-id'] : undefined,
    retryAfterMs: parseRetryAfterMs(headers['retry-after']),
    context: { ...site, wooCode: body?.code, wooMessage: body?.message || undefined },
  };
  const message = `WooCommerce answered HTTP ${status} to ${site.method.toUpperCase()} ${site.endpoint}${body?.message ? `: ${body.message}` : ''}`;
  if (status === 429) return new ThrottledError(message, details);
  if (status === 408 || status >= 500) return new RetryableError(message, details);
  return new PermanentError(message, details);
}

export function toConnectorError(error: unknown, site: CallSite): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpFailure;
  const code = failure.code ?? '';
  const context = { ...site, networkCode: code || undefined };
  // Checked before the response: a timeout while the body streams in comes with the (2xx) headers attached.
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(failure.message ?? '')) {
    return new RetryableError(`WooCommerce did not answer ${site.method.toUpperCase()} ${site.endpoint} in time`, {
      code: 'WOO_TIMEOUT',
      context,
    });
  }
  if (failure.response && typeof failure.response.status === 'number' && failure.response.status >= 300) {
    return fromResponse({ response: failure.response }, site);
  }
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(failure.message ?? '')) {
    return new PermanentError(`TLS handshake with the store failed (${code || 'certificate error'})`, { code: 'WOO_TLS_ERROR', context });
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new RetryableError(`The store could not be reached (${code})`, { code: 'WOO_UNREACHABLE', context });
  }
  // axios reports a response cut off mid-body (our timeout firing after the headers, or the
  // server dropping the connection) as ERR_BAD_RESPONSE "stream has been aborted", 2xx headers attached.
  if (CONNECTION_LOST_CODES.has(code) && (code !== 'ERR_BAD_RESPONSE' || /abort/i.test(failure.message ?? ''))) {
    return new RetryableError(`The connection to the store broke during ${site.method.toUpperCase()} ${site.endpoint}`, {
      code: 'WOO_CONNECTION_LOST',
      context,
    });
  }
  // Unknown: keep only the message, never the object (it may hold request config with secrets).
  return new RetryableError(`WooCommerce request failed: ${failure.message ?? 'unknown error'}`, { code: 'WOO_REQUEST_FAILED', context });
}
