// Every kind of secret the service holds, each a distinctive random value, and the platforms that
// accept them: the ERP, Shopify (static token and client-credentials shops) and WooCommerce
// simulators, and ERPNext through nock (a third party's API). Tests connect all of them through the
// API and then look for the values where they must never be: logs, responses, database columns.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import nock from 'nock';
import { type ErpSimulator, startErpSimulator } from '../../src/simulators/erp/start-erp-simulator.js';
import { type ShopifySimulator, startShopifySimulator } from '../../src/simulators/shopify/server.js';
import { startWooCommerceSimulator, type WooSimulator } from '../../src/simulators/woocommerce/woocommerce-simulator.js';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

export function newSecrets() {
  return {
    shopifyAccessToken: secret('shpat'),
    shopifyWebhookSecret: secret('shpss'),
    shopifyClientId: `client-${randomBytes(4).toString('hex')}`,
    shopifyClientSecret: secret('shpcs'),
    wooConsumerKey: secret('ck'),
    wooConsumerSecret: secret('cs'),
    wooWebhookSecret: secret('wcwh'),
    erpApiKey: secret('erpkey'),
    erpApiSecret: secret('erpsecret'),
    erpWebhookSecret: secret('erpwh'),
    erpnextApiKey: secret('nextkey'),
    erpnextApiSecret: secret('nextsecret'),
    userPassword: secret('pw'),
    newPassword: secret('pw2'),
    wrongSecret: secret('wrong'),
  };
}

export type Secrets = ReturnType<typeof newSecrets>;

export const STATIC_SHOP = 'secret-static.myshopify.com';
export const CLIENT_SHOP = 'secret-client.myshopify.com';
export const ERPNEXT_ORIGIN = 'http://127.0.0.1:65531';

export type Platforms = { erp: ErpSimulator; shopify: ShopifySimulator; woo: WooSimulator; close(): Promise<void> };

export async function startPlatforms(secrets: Secrets): Promise<Platforms> {
  const erp = await startErpSimulator({ apiKey: secrets.erpApiKey });
  erp.control.seed({ warehouses: [{ code: 'WH1', name: 'Main' }], items: [] });
  const shopify = await startShopifySimulator({
    webhookSecret: secrets.shopifyWebhookSecret,
    shops: [
      { domain: STATIC_SHOP, accessToken: secrets.shopifyAccessToken },
      { domain: CLIENT_SHOP, clientId: secrets.shopifyClientId, clientSecret: secrets.shopifyClientSecret },
    ],
  });
  const woo = await startWooCommerceSimulator({ consumerKey: secrets.wooConsumerKey, consumerSecret: secrets.wooConsumerSecret });
  woo.control.seed([{ name: 'Mug', sku: 'MUG-1', manageStock: true, stockQuantity: 5 }]);
  // ERPNext answers only its token (Frappe: "Authorization: token key:secret"); anything else is 401.
  nock(ERPNEXT_ORIGIN, { reqheaders: { authorization: `token ${secrets.erpnextApiKey}:${secrets.erpnextApiSecret}` } })
    .persist()
    .get('/api/method/frappe.auth.get_logged_user')
    .reply(200, { message: 'sync@example.com' })
    .get(/^\/api\/resource\/Warehouse/)
    .reply(200, { data: [{ name: 'Stores - AC' }] })
    .get(/.*/)
    .reply(200, { data: [] });
  nock(ERPNEXT_ORIGIN)
    .persist()
    .get(/.*/)
    .reply(401, { exc_type: 'AuthenticationError', exception: 'frappe.exceptions.AuthenticationError' });
  return {
    erp,
    shopify,
    woo,
    async close() {
      nock.cleanAll();
      await woo.close();
      await shopify.close();
      await erp.close();
    },
  };
}

/** The bodies of POST /api/v1/connections for every connection kind, with every secret set. */
export function connectionBodies(secrets: Secrets, platforms: Platforms) {
  return {
    shopifyStatic: {
      kind: 'shopify',
      name: 'static shop',
      shopDomain: STATIC_SHOP,
      accessToken: secrets.shopifyAccessToken,
      webhookSecret: secrets.shopifyWebhookSecret,
      baseUrl: platforms.shopify.shopUrl(STATIC_SHOP),
    },
    shopifyClient: {
      kind: 'shopify',
      name: 'client shop',
      shopDomain: CLIENT_SHOP,
      clientId: secrets.shopifyClientId,
      clientSecret: secrets.shopifyClientSecret,
      baseUrl: platforms.shopify.shopUrl(CLIENT_SHOP),
    },
    woo: {
      kind: 'woocommerce',
      name: 'woo',
      siteUrl: platforms.woo.url,
      consumerKey: secrets.wooConsumerKey,
      consumerSecret: secrets.wooConsumerSecret,
      webhookSecret: secrets.wooWebhookSecret,
    },
    erp: {
      kind: 'erp',
      erpType: 'generic-rest',
      name: 'erp',
      baseUrl: platforms.erp.url,
      apiKey: secrets.erpApiKey,
      apiSecret: secrets.erpApiSecret,
      webhookSecret: secrets.erpWebhookSecret,
    },
    erpnext: {
      kind: 'erp',
      erpType: 'erpnext',
      name: 'erpnext',
      baseUrl: ERPNEXT_ORIGIN,
      apiKey: secrets.erpnextApiKey,
      apiSecret: secrets.erpnextApiSecret,
    },
  };
}

/** app.inject that keeps every response, so a test can scan them all at the end. */
export function recordingClient(app: FastifyInstance) {
  const responses: { where: string; response: LightMyRequestResponse }[] = [];
  return {
    responses,
    async call(options: InjectOptions & { method: string; url: string }) {
      const response = await app.inject(options);
      responses.push({ where: `${options.method} ${options.url}`, response });
      return response;
    },
  };
}

/** Each secret value that appears in `text`, by name. */
export function leaked(text: string, values: Record<string, string>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value.length >= 8 && text.includes(value))
    .map(([name]) => name);
}
