// Talking to the Shopify simulator the way a client does: raw HTTP, raw JSON.
import type { ShopifySimulator } from '../../../src/simulators/shopify/server.js';

export const TOKEN = 'shpat_simulator_test_token';
export const SECRET = 'whsec_simulator_test_secret';

export type GraphqlAnswer = {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test helper reads arbitrary GraphQL answers
  body: any;
};

export async function gql(
  sim: ShopifySimulator,
  shop: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string | null; version?: string } = {},
): Promise<GraphqlAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token) headers['x-shopify-access-token'] = token;
  const response = await fetch(`${sim.shopUrl(shop)}/admin/api/${options.version ?? '2026-04'}/graphql.json`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export const STORE = {
  locations: [{ name: 'Warehouse' }, { name: 'Shop floor' }],
  products: [
    { title: 'Mug', variants: [{ sku: 'MUG-1', levels: { Warehouse: 5, 'Shop floor': 2 } }] },
    { title: 'Tee', variants: [{ sku: 'TEE-S', levels: { Warehouse: 3 } }] },
  ],
};

export const SET_QUANTITIES = `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } } userErrors { code field message } }
}`;

export const setWithKey = (key: string) =>
  SET_QUANTITIES.replace('inventorySetQuantities(input: $input)', `inventorySetQuantities(input: $input) @idempotent(key: "${key}")`);
