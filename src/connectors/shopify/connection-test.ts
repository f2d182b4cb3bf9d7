// "Save tests the connection and shows a clear result": one cheap shop query plus the locations
// (which the location mapping form needs), with every failure put in plain words.
import type { ConnectionTestOutcome } from '../contract.js';
import { listLocations } from './catalog.js';
import type { ShopifyGraphql } from './client.js';
import { SHOP_COST, SHOP_QUERY } from './queries.js';

export const REQUIRED_SCOPES = 'read_products, read_inventory, write_inventory, read_orders, read_locations';

export function describeFailure(error: unknown, shopDomain: string): Exclude<ConnectionTestOutcome, { outcome: 'ok' }> {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'SHOPIFY_AUTH_FAILED':
      return {
        outcome: 'auth_failed',
        detail: `Shopify did not accept the credentials for ${shopDomain}. Check the Admin API access token, or the client id and secret.`,
      };
    case 'SHOPIFY_FORBIDDEN':
      return {
        outcome: 'forbidden',
        detail: `The app is missing permissions on ${shopDomain}. It needs these scopes: ${REQUIRED_SCOPES}.`,
      };
    case 'SHOPIFY_NOT_FOUND':
      return { outcome: 'not_found', detail: `No Shopify store answers at ${shopDomain}. Check the shop domain (name.myshopify.com).` };
    case 'SHOPIFY_TLS_ERROR':
      return { outcome: 'tls_error', detail: `The secure (TLS) connection to ${shopDomain} failed: ${message}.` };
    case 'SHOPIFY_TIMEOUT':
    case 'SHOPIFY_UNREACHABLE':
      return { outcome: 'unreachable', detail: `${shopDomain} could not be reached: ${message}.` };
    case 'SHOPIFY_HTTP_5XX':
    case 'SHOPIFY_HTTP_429':
    case 'SHOPIFY_THROTTLED':
    case 'SHOPIFY_INTERNAL_ERROR':
    case 'SHOPIFY_BUDGET_EXHAUSTED':
    case 'SHOPIFY_BUDGET_UNAVAILABLE':
      return {
        outcome: 'unreachable',
        detail: `Shopify is temporarily unavailable for ${shopDomain} (${message}). Try again in a minute.`,
      };
    default:
      return { outcome: 'invalid_response', detail: `Shopify answered in a way we did not expect: ${message}.` };
  }
}

export async function testConnection(graphql: ShopifyGraphql, shopDomain: string): Promise<ConnectionTestOutcome> {
  try {
    const { data } = await graphql.request<{ shop: { name: string; myshopifyDomain: string } | null }>({
      operation: 'ShopInfo',
      query: SHOP_QUERY,
      estimatedCost: SHOP_COST,
    });
    if (!data.shop) return { outcome: 'invalid_response', detail: 'Shopify answered without the shop.' };
    const locations = await listLocations(graphql);
    const where = locations.length === 1 ? '1 location' : `${locations.length} locations`;
    return { outcome: 'ok', detail: `Connected to ${data.shop.name} (${data.shop.myshopifyDomain}), ${where}.`, locations };
  } catch (error) {
    return describeFailure(error, shopDomain);
  }
}
