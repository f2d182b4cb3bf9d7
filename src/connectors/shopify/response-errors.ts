// Turns what an Admin GraphQL call returned into data or one typed error with a stable code.
// Shopify reports most trouble as HTTP 200 with `errors` (THROTTLED among them), some as HTTP
// statuses (401 bad token, 403 missing scope, 404 unknown shop, 429/5xx), each mapped once here.
import type { ClientResponse } from '@shopify/admin-api-client';
import { ConnectorError, PermanentError, RetryableError, ThrottledError } from '../errors.js';
import type { CallCost, ThrottleStatus } from './cost-budget.js';
import { parseRetryAfterMs } from './transport.js';

export type CostExtension = { requestedQueryCost: number | null; actualQueryCost: number | null; throttleStatus: ThrottleStatus | null };

export type Interpreted<T> =
  | { ok: true; data: T; cost: CostExtension | null; requestId: string | undefined }
  | { ok: false; error: ConnectorError; callCost: CallCost; cost: CostExtension | null; authRejected: boolean; throttled: boolean };

export function readCost(extensions: unknown): CostExtension | null {
  const cost = (extensions as { cost?: Record<string, unknown> } | undefined)?.cost;
  if (!cost || typeof cost !== 'object') return null;
  const status = cost.throttleStatus as Partial<ThrottleStatus> | undefined;
  const complete =
    status &&
    typeof status.maximumAvailable === 'number' &&
    typeof status.currentlyAvailable === 'number' &&
    typeof status.restoreRate === 'number';
  return {
    requestedQueryCost: typeof cost.requestedQueryCost === 'number' ? cost.requestedQueryCost : null,
    actualQueryCost: typeof cost.actualQueryCost === 'number' ? cost.actualQueryCost : null,
    throttleStatus: complete ? (status as ThrottleStatus) : null,
  };
}

/** (requested − currentlyAvailable) / restoreRate, as Shopify documents the wait after THROTTLED. */
export function throttleWaitMs(cost: CostExtension | null): number | undefined {
  const status = cost?.throttleStatus;
  if (!status || status.restoreRate <= 0) return undefined;
  const requested = cost?.requestedQueryCost ?? 0;
  const missing = Math.max(1, requested - status.currentlyAvailable);
  return Math.ceil((missing / status.restoreRate) * 1000);
}

async function httpError(status: number, response: Response | undefined, requestId: string | undefined): Promise<ConnectorError> {
  // Shopify's error bodies hold no secrets (e.g. {"errors":"[API] Invalid API key or access token ..."}).
  const body = response ? (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ') : '';
  const details = { requestId, status };
  if (status === 401)
    return new PermanentError(`Shopify rejected the access token (HTTP 401): ${body}`, { ...details, code: 'SHOPIFY_AUTH_FAILED' });
  if (status === 403) {
    return new PermanentError(`The app lacks a permission this call needs (HTTP 403): ${body}`, { ...details, code: 'SHOPIFY_FORBIDDEN' });
  }
  if (status === 404)
    return new PermanentError(`No Shopify store answers at this address (HTTP 404)`, { ...details, code: 'SHOPIFY_NOT_FOUND' });
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(response?.headers.get('retry-after') ?? null) ?? 1_000;
    return new ThrottledError('Shopify asked us to slow down (HTTP 429)', { ...details, code: 'SHOPIFY_HTTP_429', retryAfterMs });
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfterMs(response?.headers.get('retry-after') ?? null);
    return new RetryableError(`Shopify failed (HTTP ${status})`, { ...details, code: 'SHOPIFY_HTTP_5XX', retryAfterMs });
  }
  return new PermanentError(`Shopify refused the request (HTTP ${status}): ${body}`, { ...details, code: 'SHOPIFY_HTTP_4XX' });
}

type GraphqlErrorEntry = { message?: string; extensions?: { code?: string } };

function graphqlError(errors: GraphqlErrorEntry[], cost: CostExtension | null, requestId: string | undefined): ConnectorError {
  const codes = errors.map((entry) => entry.extensions?.code ?? '');
  const message = errors
    .map((entry) => entry.message ?? '')
    .join('; ')
    .slice(0, 300);
  const details = { requestId, context: { graphqlCodes: codes } };
  if (codes.includes('THROTTLED')) {
    return new ThrottledError('Shopify throttled the call (query cost budget exhausted)', {
      ...details,
      code: 'SHOPIFY_THROTTLED',
      retryAfterMs: throttleWaitMs(cost) ?? 1_000,
    });
  }
  if (codes.includes('MAX_COST_EXCEEDED')) return new PermanentError(message, { ...details, code: 'SHOPIFY_MAX_COST_EXCEEDED' });
  if (codes.includes('ACCESS_DENIED')) return new PermanentError(message, { ...details, code: 'SHOPIFY_FORBIDDEN' });
  if (codes.includes('INTERNAL_SERVER_ERROR')) return new RetryableError(message, { ...details, code: 'SHOPIFY_INTERNAL_ERROR' });
  return new PermanentError(`Shopify rejected the query: ${message}`, { ...details, code: 'SHOPIFY_GRAPHQL_ERROR' });
}

/** `failure` is what the transport threw, if anything; `signal` the call's timeout. */
export async function interpretResponse<T>(
  result: ClientResponse<T>,
  failure: ConnectorError | undefined,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Interpreted<T>> {
  const cost = readCost(result.extensions);
  const headers = result.headers ?? result.errors?.response?.headers;
  const requestId = headers instanceof Headers ? (headers.get('x-request-id') ?? undefined) : undefined;
  const fail = (error: ConnectorError, callCost: CallCost) =>
    ({
      ok: false,
      error,
      callCost,
      cost,
      authRejected: error.code === 'SHOPIFY_AUTH_FAILED',
      throttled: error.kind === 'throttled',
    }) as const;

  if (failure) return fail(failure, failure.code === 'SHOPIFY_TLS_ERROR' ? { kind: 'not_charged' } : { kind: 'unknown' });
  const errors = result.errors;
  const status = errors?.networkStatusCode;
  if (errors && status !== undefined && (status < 200 || status >= 300)) {
    return fail(await httpError(status, errors.response, requestId), { kind: 'not_charged' });
  }
  const reported: CallCost = cost
    ? { kind: 'reported', actualQueryCost: cost.actualQueryCost, throttleStatus: cost.throttleStatus }
    : { kind: 'unknown' };
  if (errors?.graphQLErrors && errors.graphQLErrors.length > 0) {
    return fail(graphqlError(errors.graphQLErrors as GraphqlErrorEntry[], cost, requestId), reported);
  }
  if (errors || result.data === undefined || result.data === null) {
    if (signal.aborted) {
      return fail(new RetryableError(`Shopify did not answer within ${timeoutMs} ms`, { code: 'SHOPIFY_TIMEOUT', requestId }), {
        kind: 'unknown',
      });
    }
    const message = `Shopify sent an unusable answer: ${errors?.message ?? 'no data'}`;
    return fail(new RetryableError(message, { code: 'SHOPIFY_INVALID_RESPONSE', requestId, status }), reported);
  }
  return { ok: true, data: result.data, cost, requestId };
}

/**
 * Anything else that goes wrong while reading an answer (a field missing where the schema promises
 * it, say) is reported as an unusable answer: typed and retryable, never a bare TypeError.
 */
export function asConnectorError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  return new RetryableError(`Shopify sent an answer we could not read (${operation})`, {
    code: 'SHOPIFY_INVALID_RESPONSE',
    context: { operation, reason: error instanceof Error ? error.message : String(error) },
  });
}
