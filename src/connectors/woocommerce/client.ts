// A thin, typed wrapper over @woocommerce/woocommerce-rest-api: one request function that returns
// the body and the pagination headers, and throws only our ConnectorErrors.
// The library signs requests itself: Basic auth for https:// stores, OAuth 1.0a (HMAC-SHA256 in the
// query string) for http:// ones, which is what WooCommerce demands over plain HTTP.
import WooCommerceRestApiModule from '@woocommerce/woocommerce-rest-api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { WooCommerceCredentials } from '../../connections/types.js';
import { PermanentError, RetryableError } from '../errors.js';
import { toConnectorError } from './classify-error.js';

// The package is CommonJS with a Babel `exports.default`: under native ESM the default import is
// the exports object and the class sits on `.default` (platform-apis.md §6). Loaders that apply
// Babel's __esModule interop (vitest, bundlers) hand over the class itself; accept both.
const loaded: unknown = WooCommerceRestApiModule;
const WooCommerceRestApi = (
  typeof loaded === 'function' ? loaded : (loaded as { default: unknown }).default
) as typeof WooCommerceRestApiModule.default;

export type WooParams = Record<string, string | number | boolean>;

export type WooRequest = {
  method: 'get' | 'post' | 'put' | 'delete';
  endpoint: string;
  params?: WooParams;
  body?: unknown;
};

export type WooResponse = {
  status: number;
  data: unknown;
  /** X-WP-Total / X-WP-TotalPages, when the endpoint lists a collection. */
  total: number | null;
  totalPages: number | null;
};

export type WooClient = { request(request: WooRequest): Promise<WooResponse> };

export type WooClientOptions = {
  siteUrl: string;
  baseUrl?: string;
  credentials: Pick<WooCommerceCredentials, 'consumerKey' | 'consumerSecret'>;
  timeoutMs: number;
  log: Logger;
  /**
   * Asked before every request with the API root: the refusal reason when the host may not be
   * called (the SSRF guard, re-resolving DNS at call time as the guarded fetch does for the other
   * connectors), else null.
   */
  checkEndpoint?: (url: string) => Promise<string | null>;
};

/**
 * Where the REST API is reached. A base-URL override (simulator, test server) replaces the site's
 * origin and keeps its path, so a WordPress installed under /shop stays under /shop; an override
 * that carries a path of its own is used as given.
 */
export function apiRootOf(siteUrl: string, baseUrl?: string): string {
  const site = new URL(siteUrl);
  if (!baseUrl) return site.toString();
  const base = new URL(baseUrl);
  if (base.pathname !== '/' && base.pathname !== '') return base.toString();
  return new URL(site.pathname, base.origin).toString();
}

function headerNumber(headers: unknown, name: string): number | null {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  const parsed = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
}

export function createWooClient(options: WooClientOptions): WooClient {
  let api: InstanceType<typeof WooCommerceRestApi>;
  try {
    api = new WooCommerceRestApi({
      url: apiRootOf(options.siteUrl, options.baseUrl),
      consumerKey: options.credentials.consumerKey,
      consumerSecret: options.credentials.consumerSecret,
      version: 'wc/v3',
      timeout: options.timeoutMs,
      // Never follow a redirect: it could point anywhere, including the private addresses the SSRF
      // guard refuses, and it would carry the credentials along. A 3xx is an error like any other.
      axiosConfig: { maxRedirects: 0 },
      // No axiosConfig.headers: the library spreads axiosConfig last, and passing headers there
      // drops its JSON Content-Type, so batch bodies would go out form-encoded (platform-apis.md §6).
    });
  } catch (error) {
    // The library throws a plain object (OptionsException), not an Error.
    const message = (error as { message?: string }).message ?? 'invalid options';
    throw new PermanentError(`WooCommerce client options rejected: ${message}`, { code: 'WOO_BAD_OPTIONS' });
  }

  return {
    async request({ method, endpoint, params = {}, body }) {
      const refusal = await options.checkEndpoint?.(apiRootOf(options.siteUrl, options.baseUrl));
      if (refusal) throw new PermanentError(`WooCommerce endpoint refused: ${refusal}`, { code: 'WOO_ENDPOINT_REFUSED' });
      const started = performance.now();
      try {
        const response =
          method === 'get'
            ? await api.get(endpoint, params)
            : method === 'delete'
              ? await api.delete(endpoint, params)
              : method === 'put'
                ? await api.put(endpoint, body ?? {}, params)
                : await api.post(endpoint, body ?? {}, params);
        const durationMs = Math.round(performance.now() - started);
        options.log.debug({ method, endpoint, status: response.status, durationMs }, 'woocommerce call');
        return {
          status: response.status,
          data: response.data,
          total: headerNumber(response.headers, 'x-wp-total'),
          totalPages: headerNumber(response.headers, 'x-wp-totalpages'),
        };
      } catch (error) {
        const failure = toConnectorError(error, { method, endpoint });
        const durationMs = Math.round(performance.now() - started);
        options.log.debug({ method, endpoint, code: failure.code, status: failure.status, durationMs }, 'woocommerce call failed');
        throw failure;
      }
    },
  };
}

/**
 * Validates a response body. A body that is not what WooCommerce documents is usually a caching
 * proxy, a maintenance page or a plugin printing into the response: retryable, with its own code.
 */
export function parseBody<T extends z.ZodType>(schema: T, response: WooResponse, site: { method: string; endpoint: string }): z.output<T> {
  const parsed = schema.safeParse(response.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RetryableError(`WooCommerce sent an unexpected body for ${site.method.toUpperCase()} ${site.endpoint}`, {
    code: 'WOO_INVALID_RESPONSE',
    status: response.status,
    context: { ...site, issue: issue ? `${issue.path.join('.')}: ${issue.message}` : undefined },
  });
}
