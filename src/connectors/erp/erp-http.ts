// The one place ERP connectors touch the network. It turns every failure into a typed connector
// error with a stable code (ERP_TIMEOUT, ERP_UNREACHABLE, ERP_TLS_ERROR, ERP_HTTP_5XX, ERP_THROTTLED,
// ERP_AUTH_FAILED, …) carrying the wait the ERP asked for, so raw fetch errors never leave a connector.
// Headers are never logged: they carry the credentials.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type ConnectorError, PermanentError, RetryableError, ThrottledError } from '../errors.js';

/** A platform's reading of an error body; a missing code or kind keeps the one the HTTP status implies. */
export type ErrorRefinement = { code?: string; message: string; kind?: 'retryable' | 'throttled' | 'permanent' };

export type ErpHttpOptions = {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  log: Logger;
  /** Per-request timeout, body included. */
  timeoutMs?: number;
  /** Sent with every request (authentication). */
  headers: Record<string, string>;
  /** Turns a platform's error body into its own code (ERPNEXT_…, ODOO_…); undefined keeps the HTTP one. */
  refineError?: (status: number, body: unknown) => ErrorRefinement | undefined;
  /** Clock for Retry-After dates. */
  now?: () => number;
};

export type ErpRequest = {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
};

export type ErpResponse = { status: number; body: unknown; headers: Headers };
export type ErpHttp = { request(request: ErpRequest): Promise<ErpResponse> };

export const DEFAULT_TIMEOUT_MS = 15_000;

// Node's TLS verification failures (undici puts them on error.cause.code): a configuration problem
// that no retry fixes.
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function createErpHttp(options: ErpHttpOptions): ErpHttp {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  return {
    async request(request) {
      const url = new URL(base + request.path);
      for (const [name, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, String(value));
      }
      const context = { method: request.method, path: request.path };
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const started = now();
      let response: Response;
      let text: string;
      try {
        const signal = AbortSignal.timeout(timeoutMs);
        response = await options.fetch(url, {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal,
          // A redirect means the base URL is not the API's (http→https, a login page): say so
          // instead of following it with our credentials attached.
          redirect: 'manual',
        });
        text = await response.text();
      } catch (error) {
        throw errorFromFailure(error, { ...context, timeoutMs });
      }
      options.log.debug({ ...context, status: response.status, durationMs: now() - started }, 'erp call');
      const body = parseJson(text);
      if (response.status >= 200 && response.status < 300) {
        if (body === INVALID) {
          throw new PermanentError('The ERP answered with something that is not JSON', {
            code: 'ERP_INVALID_RESPONSE',
            status: response.status,
            context,
          });
        }
        return { status: response.status, body, headers: response.headers };
      }
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        throw new PermanentError(
          `The ERP redirects ${request.path} to ${location ?? 'another address'}: use the final API address as base URL`,
          {
            code: 'ERP_REDIRECTED',
            status: response.status,
            context: { ...context, location },
          },
        );
      }
      throw errorFromResponse(response, body === INVALID ? undefined : body, { context, refine: options.refineError, now });
    },
  };
}

const INVALID = Symbol('invalid json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

function errorFromFailure(error: unknown, context: { method: string; path: string; timeoutMs: number }): ConnectorError {
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(`The ERP did not answer within ${context.timeoutMs} ms`, { code: 'ERP_TIMEOUT', context, cause: error });
  }
  const causeCode = causeCodeOf(error);
  if (causeCode && (TLS_CODES.has(causeCode) || causeCode.startsWith('ERR_SSL') || causeCode.startsWith('ERR_TLS'))) {
    return new PermanentError(`The ERP's TLS certificate was refused (${causeCode})`, {
      code: 'ERP_TLS_ERROR',
      context: { ...context, causeCode },
      cause: error,
    });
  }
  return new RetryableError(`The ERP could not be reached${causeCode ? ` (${causeCode})` : ''}`, {
    code: 'ERP_UNREACHABLE',
    context: { ...context, causeCode },
    cause: error,
  });
}

/** Walks the cause chain for a Node system error code (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
function causeCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function defaultCode(status: number): string {
  if (status === 401) return 'ERP_AUTH_FAILED';
  if (status === 403) return 'ERP_FORBIDDEN';
  if (status === 404) return 'ERP_NOT_FOUND';
  if (status === 408) return 'ERP_TIMEOUT';
  if (status === 429) return 'ERP_THROTTLED';
  if (status >= 500) return 'ERP_HTTP_5XX';
  return 'ERP_HTTP_4XX';
}

function defaultKind(status: number): 'retryable' | 'throttled' | 'permanent' {
  if (status === 429) return 'throttled';
  if (status === 408 || status >= 500) return 'retryable';
  return 'permanent';
}

function errorFromResponse(
  response: Response,
  body: unknown,
  options: { context: Record<string, unknown>; refine: ErpHttpOptions['refineError']; now: () => number },
): ConnectorError {
  const status = response.status;
  const refined = options.refine?.(status, body);
  const details = {
    code: refined?.code ?? defaultCode(status),
    status,
    requestId: response.headers.get('x-request-id') ?? undefined,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), options.now()),
    context: options.context,
  };
  const message = refined?.message ?? `The ERP answered HTTP ${status}`;
  const kind = refined?.kind ?? defaultKind(status);
  if (kind === 'throttled') return new ThrottledError(message, details);
  if (kind === 'retryable') return new RetryableError(message, details);
  return new PermanentError(message, details);
}

/** Retry-After is either delay-seconds (RFC 9110 §10.2.3) or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Validates a response body; a shape we do not understand is permanent (retrying returns the same). */
export function parseErpBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const paths = result.error.issues.slice(0, 5).map((issue) => issue.path.join('.') || '(root)');
  throw new PermanentError(`The ERP's ${what} did not have the expected shape (at ${paths.join(', ')})`, {
    code: 'ERP_INVALID_RESPONSE',
    context: { what, paths },
  });
}
