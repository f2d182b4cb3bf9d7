// "Does this store work with these credentials?", answered in plain words for the admin form.
// Two calls: a one-item product list (reachability, WooCommerce present, key valid, read access),
// then an empty batch (WooCommerce refuses any POST from a read-only key before looking at the
// body, and an empty batch changes nothing), because stock writes and webhooks need read/write.
import type { ConnectionTestOutcome } from '../contract.js';
import type { ConnectorError } from '../errors.js';
import { toConnectorError } from './classify-error.js';
import type { WooClient } from './client.js';
import { WOO_LOCATION_ID } from './map.js';

type Deps = { client: WooClient; siteUrl: string; apiRoot: string };

function describeFailure(error: ConnectorError, deps: Deps, step: 'read' | 'write'): ConnectionTestOutcome {
  const host = new URL(deps.apiRoot).host;
  const wooCode = typeof error.context['wooCode'] === 'string' ? error.context['wooCode'] : undefined;
  if (error.code === 'WOO_AUTH_FAILED' && step === 'write') {
    return {
      outcome: 'forbidden',
      detail: 'The key can read but not write: create a WooCommerce REST API key with Read/Write permissions.',
    };
  }
  if (error.code === 'WOO_AUTH_FAILED' && wooCode === 'woocommerce_rest_cannot_view') {
    return {
      outcome: 'auth_failed',
      detail:
        'WooCommerce did not see any credentials. If the key is right, the web server may be dropping the Authorization header; ask the host to pass it through.',
    };
  }
  if (error.code === 'WOO_AUTH_FAILED') {
    const reason = typeof error.context['wooMessage'] === 'string' ? error.context['wooMessage'] : 'HTTP 401';
    return { outcome: 'auth_failed', detail: `WooCommerce rejected the consumer key or secret: ${reason}` };
  }
  if (error.code === 'WOO_FORBIDDEN') {
    return {
      outcome: 'forbidden',
      detail: "The key's WordPress user may not manage products: use a key of a Shop Manager or Administrator.",
    };
  }
  if (error.code === 'WOO_NOT_FOUND') {
    return {
      outcome: 'not_found',
      detail: `No WooCommerce REST API at ${deps.siteUrl}: check that WooCommerce is active and that permalinks are not set to "Plain".`,
    };
  }
  if (error.code === 'WOO_TLS_ERROR') {
    return {
      outcome: 'tls_error',
      detail: `The HTTPS certificate of ${host} was not accepted (${String(error.context['networkCode'] ?? 'TLS error')}).`,
    };
  }
  if (error.code === 'WOO_ENDPOINT_REFUSED') return { outcome: 'unreachable', detail: error.message };
  if (error.status !== undefined && error.status >= 300 && error.status < 400) {
    // Redirects are never followed (client.ts): say where the real address is instead.
    return { outcome: 'invalid_response', detail: `${host} redirects (HTTP ${error.status}): use the store's final address as its URL.` };
  }
  if (error.code === 'WOO_TIMEOUT') return { outcome: 'unreachable', detail: `${host} did not answer in time.` };
  if (error.code === 'WOO_CONNECTION_LOST')
    return { outcome: 'unreachable', detail: `The connection to ${host} broke before it answered.` };
  if (error.code === 'WOO_UNREACHABLE' || error.code === 'WOO_REQUEST_FAILED') {
    return { outcome: 'unreachable', detail: `${host} could not be reached (${String(error.context['networkCode'] ?? error.message)}).` };
  }
  if (error.code === 'WOO_INVALID_RESPONSE') {
    return {
      outcome: 'invalid_response',
      detail: `${host} answered, but not like WooCommerce's REST API does. Is this the right site address?`,
    };
  }
  if (error.kind !== 'permanent') {
    return {
      outcome: 'unreachable',
      detail: `${host} answered HTTP ${error.status ?? '?'}: the store is having trouble; try again later.`,
    };
  }
  return { outcome: 'invalid_response', detail: `${host} answered HTTP ${error.status ?? '?'} (${wooCode ?? 'no error code'}).` };
}

export async function testConnection(deps: Deps): Promise<ConnectionTestOutcome> {
  let step: 'read' | 'write' = 'read';
  try {
    const list = await deps.client.request({ method: 'get', endpoint: 'products', params: { per_page: 1 } });
    if (!Array.isArray(list.data)) {
      return {
        outcome: 'invalid_response',
        detail: `${deps.siteUrl} answered, but not with a WooCommerce product list. Is this the right site address?`,
      };
    }
    step = 'write';
    await deps.client.request({ method: 'post', endpoint: 'products/batch', body: {} });
    const count = list.total === null ? '' : ` (${list.total} products)`;
    return {
      outcome: 'ok',
      detail: `Connected to WooCommerce${count}; the key can read and write.`,
      locations: [{ externalLocationId: WOO_LOCATION_ID, name: new URL(deps.siteUrl).host }],
    };
  } catch (error) {
    return describeFailure(toConnectorError(error, { method: step === 'read' ? 'get' : 'post', endpoint: 'products' }), deps, step);
  }
}
