// One Admin GraphQL call, end to end: token → reserve the query's cost in the shared budget →
// send through @shopify/admin-api-client → settle the budget from extensions.cost → data or a
// typed error. A 401 with a client-credentials token refetches the token once; a THROTTLED answer
// (rare, since the budget waits first) is retried after the budget has absorbed the new status.
//
// Numbers: Admin GraphQL sends ids as gid strings and UnsignedInt64 (legacyResourceId) as strings,
// and quantities are 32-bit Int, so the client's plain JSON parsing never meets a number above 2^53.
import { type AdminApiClient, createAdminApiClient } from '@shopify/admin-api-client';
import type { Logger } from 'pino';
import { type ConnectorError, PermanentError, RetryableError } from '../errors.js';
import type { AccessTokenSource } from './access-token.js';
import type { CallCost, CostBudget, Reservation } from './cost-budget.js';
import { asConnectorError, type CostExtension, interpretResponse } from './response-errors.js';
import type { Transport } from './transport.js';

export type GraphqlCall = {
  /** Operation name, as written in the query; used in logs and call records. */
  operation: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Our estimate of Shopify's requestedQueryCost (same rules: objects 1, connections 2 + first × node). */
  estimatedCost: number;
  /** Calls with the same key have the same requested cost; defaults to the operation name. */
  costKey?: string;
};

/** One record per HTTP call, for metrics and the channel-call log. */
export type ShopifyCallRecord = {
  operation: string;
  ok: boolean;
  durationMs: number;
  waitedMs: number;
  errorCode?: string;
  httpStatus?: number;
  requestedCost?: number;
  actualCost?: number;
  available?: number;
};

export type ShopifyGraphql = {
  request<T>(call: GraphqlCall): Promise<{ data: T; cost: CostExtension | null }>;
};

export type ShopifyGraphqlOptions = {
  shopDomain: string;
  apiVersion: string;
  transport: Transport;
  tokens: AccessTokenSource;
  budget: CostBudget;
  log: Logger;
  onCall?: (record: ShopifyCallRecord) => void;
  /** THROTTLED answers retried inside one request() before the error goes to the caller. */
  throttleRetries?: number;
};

export function createShopifyGraphql(options: ShopifyGraphqlOptions): ShopifyGraphql {
  const { shopDomain, transport, budget, log } = options;
  const throttleRetries = options.throttleRetries ?? 2;
  // Shopify's requested cost for a query shape never changes, so the largest one seen is the best estimate.
  const learnedCosts = new Map<string, number>();
  let warnedVersion = false;

  function clientFor(accessToken: string, capture: (error: ConnectorError) => void): AdminApiClient {
    // A client per call is cheap (plain object), and lets the fetch wrapper tell this call's network
    // failure apart from others: the library itself reduces thrown errors to a message string.
    try {
      return createClient(accessToken, capture);
    } catch (error) {
      // The library validates the shop domain and version up front: a bad one is a configuration error.
      throw new PermanentError(`Shopify client could not be created: ${(error as Error).message}`, { code: 'SHOPIFY_INVALID_CONFIG' });
    }
  }

  function createClient(accessToken: string, capture: (error: ConnectorError) => void): AdminApiClient {
    return createAdminApiClient({
      storeDomain: shopDomain,
      apiVersion: options.apiVersion,
      accessToken,
      customFetchApi: async (url, init) => {
        try {
          return await transport.fetch(url, init as RequestInit);
        } catch (error) {
          capture(error as ConnectorError);
          throw error;
        }
      },
      // Only these two entries are logged: the others carry request headers, and so the token.
      logger: (entry) => {
        if (entry.type === 'HTTP-Response-GraphQL-Deprecation-Notice') {
          log.warn({ notice: entry.content.deprecationNotice }, 'Shopify deprecation notice');
        } else if ((entry.type as string) === 'Unsupported_Api_Version' && !warnedVersion) {
          warnedVersion = true;
          log.warn({ apiVersion: options.apiVersion }, 'Shopify API version may be unsupported');
        }
      },
    });
  }

  async function reserve(call: GraphqlCall): Promise<Reservation> {
    const estimate = Math.max(call.estimatedCost, learnedCosts.get(call.costKey ?? call.operation) ?? 0);
    try {
      return await budget.reserve(shopDomain, estimate);
    } catch (error) {
      if ((error as ConnectorError).kind === 'throttled') throw error;
      throw new RetryableError('The shared Shopify cost budget (Redis) is unavailable', {
        code: 'SHOPIFY_BUDGET_UNAVAILABLE',
        context: { reason: (error as Error).message },
      });
    }
  }

  async function settle(reservation: Reservation, cost: CallCost): Promise<void> {
    await budget.settle(reservation, cost).catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, 'could not settle the Shopify cost budget');
    });
  }

  async function attempt<T>(call: GraphqlCall, accessToken: string) {
    let failure: ConnectorError | undefined;
    const client = clientFor(accessToken, (error) => {
      failure = error;
    });
    const reservation = await reserve(call);
    const started = performance.now();
    const signal = AbortSignal.timeout(transport.timeoutMs);
    let result: Awaited<ReturnType<typeof client.request<T>>>;
    try {
      result = await client.request<T>(call.query, { variables: call.variables, signal });
    } catch (error) {
      // The library answers failures as values; should it throw anyway, the reservation is still settled.
      await settle(reservation, { kind: 'unknown' });
      throw asConnectorError(error, call.operation);
    }
    const outcome = await interpretResponse<T>(result, failure, signal, transport.timeoutMs);
    await settle(
      reservation,
      outcome.ok
        ? { kind: 'reported', actualQueryCost: outcome.cost?.actualQueryCost ?? null, throttleStatus: outcome.cost?.throttleStatus ?? null }
        : outcome.callCost,
    );
    const requested = outcome.cost?.requestedQueryCost;
    if (requested !== null && requested !== undefined) {
      const key = call.costKey ?? call.operation;
      learnedCosts.set(key, Math.max(requested, learnedCosts.get(key) ?? 0));
    }
    options.onCall?.({
      operation: call.operation,
      ok: outcome.ok,
      durationMs: Math.round(performance.now() - started),
      waitedMs: reservation.waitedMs,
      errorCode: outcome.ok ? undefined : outcome.error.code,
      httpStatus: outcome.ok ? 200 : outcome.error.status,
      requestedCost: requested ?? undefined,
      actualCost: outcome.cost?.actualQueryCost ?? undefined,
      available: outcome.cost?.throttleStatus?.currentlyAvailable,
    });
    return outcome;
  }

  return {
    async request<T>(call: GraphqlCall) {
      let refreshedToken = false;
      let throttles = 0;
      for (;;) {
        const accessToken = await options.tokens.get();
        const outcome = await attempt<T>(call, accessToken);
        if (outcome.ok) return { data: outcome.data, cost: outcome.cost };
        if (outcome.authRejected && !refreshedToken && (await options.tokens.invalidate(accessToken))) {
          refreshedToken = true;
          log.info({ operation: call.operation }, 'access token rejected: fetching a new one and retrying once');
          continue;
        }
        // Only with a throttle status: then the budget knows the wait, and the next reserve() sits it out.
        if (outcome.error.code === 'SHOPIFY_THROTTLED' && outcome.cost?.throttleStatus && throttles < throttleRetries) {
          throttles += 1;
          log.warn(
            { operation: call.operation, retryAfterMs: outcome.error.retryAfterMs },
            'Shopify throttled a call: waiting on the budget',
          );
          continue;
        }
        throw outcome.error;
      }
    },
  };
}
