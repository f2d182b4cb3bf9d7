// A Shopify stand-in for tests, the demo and benchmarks: a plain Fastify server started by code.
// It serves the Admin GraphQL endpoint and the client-credentials token endpoint, per shop, either
// at the root (shop chosen by Host header, then by token or client id, then the first shop) or
// under /shops/{shop}/ so one simulator can host several stores behind one base URL.
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { createBulkRunner } from './bulk.js';
import { type ControlDeps, createControl, registerControlRoutes, type SimulatorControl } from './control.js';
import { type CallRecord, handleGraphql, type Knobs } from './graphql-endpoint.js';
import { rootValue } from './resolvers.js';
import { schema } from './schema.js';
import { createIdSource, createShop, issueToken, type Plan, type ShopConfig, type SimShop } from './state.js';
import type { ResolveContext } from './views.js';
import { createWebhookDispatcher } from './webhooks.js';

export type ShopifySimulatorOptions = {
  port?: number;
  host?: string;
  /** Default plan for shops that name none: standard 2,000/100 per s, advanced 4,000/200, plus 20,000/1,000. */
  plan?: Plan;
  latencyMs?: number;
  /** Share of GraphQL calls answered HTTP 503. */
  errorRate?: number;
  /** Share of GraphQL calls answered HTTP 429 with Retry-After. */
  throttleStormRate?: number;
  /** Requested and actual cost of each mutation (Shopify's documented default: 10). */
  mutationCost?: number;
  /** The app secret that signs webhooks (shops may override it). */
  webhookSecret: string;
  shops: ShopConfig[];
  webhookRetries?: number;
  webhookRetryDelayMs?: number;
  bulkDelayMs?: number;
  random?: () => number;
  /** Oldest entries are dropped past this many calls. */
  callLogLimit?: number;
};

export type ShopifySimulator = {
  url: string;
  /** Base URL serving only this shop (for a connection's baseUrl). */
  shopUrl(domain: string): string;
  control: SimulatorControl;
  state: { shops: Map<string, SimShop>; knobs: Knobs };
  close(): Promise<void>;
};

export async function startShopifySimulator(options: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const nextId = createIdSource();
  const shops = new Map<string, SimShop>();
  const knobs: Knobs = {
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
    throttleStormRate: options.throttleStormRate ?? 0,
    mutationCost: options.mutationCost ?? 10,
  };
  const callLog: CallRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const webhooks = createWebhookDispatcher({ retries: options.webhookRetries ?? 2, retryDelayMs: options.webhookRetryDelayMs ?? 200 });
  const addShop = (config: ShopConfig) => {
    const shop = createShop(config, { plan: options.plan ?? 'standard', webhookSecret: options.webhookSecret }, nextId);
    shops.set(shop.domain, shop);
    return shop;
  };
  for (const config of options.shops) addShop(config);
  let url = '';
  const startBulk = createBulkRunner({ schema, rootValue, delayMs: options.bulkDelayMs ?? 20, timers });
  const contextFor = (shop: SimShop, apiVersion: string, variables: Record<string, unknown>): ResolveContext => ({
    shop,
    nextId,
    webhooks,
    apiVersion,
    variables,
    bulk: false,
    publicUrl: () => url,
    startBulk,
  });
  const record = (call: CallRecord) => {
    callLog.push(call);
    if (callLog.length > (options.callLogLimit ?? 50_000)) callLog.shift();
  };

  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  await app.register(formbody);

  function shopFor(request: FastifyRequest, hint: { token?: string; clientId?: string }): SimShop | null {
    const { shop } = request.params as { shop?: string };
    if (shop) return shops.get(shop) ?? null;
    const host = (request.headers.host ?? '').split(':')[0] ?? '';
    const byHost = shops.get(host);
    if (byHost) return byHost;
    for (const candidate of shops.values()) {
      if (hint.token && (candidate.staticToken === hint.token || candidate.issuedTokens.has(hint.token))) return candidate;
      if (hint.clientId && candidate.client?.id === hint.clientId) return candidate;
    }
    return shops.values().next().value ?? null;
  }

  const graphql = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.headers['x-shopify-access-token'];
    const accessToken = typeof token === 'string' ? token : undefined;
    const shop = shopFor(request, { token: accessToken });
    if (!shop) return reply.code(404).send({ errors: 'Not Found' });
    const { version } = request.params as { version: string };
    const deps = { schema, rootValue, knobs, random: options.random ?? Math.random, record, contextFor };
    return handleGraphql(deps, shop, version, accessToken, (request.body ?? {}) as Record<string, unknown>, reply);
  };

  const accessToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const shop = shopFor(request, { clientId: String(body.client_id ?? '') });
    if (!shop) return reply.code(404).send({ errors: 'Not Found' });
    if (knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.latencyMs));
    const valid =
      !shop.uninstalled &&
      shop.client &&
      body.grant_type === 'client_credentials' &&
      body.client_id === shop.client.id &&
      body.client_secret === shop.client.secret;
    if (!valid) return reply.code(400).send({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const { token, expiresIn } = issueToken(shop);
    return reply.send({
      access_token: token,
      scope: 'read_products,read_inventory,write_inventory,read_orders,read_locations',
      expires_in: expiresIn,
    });
  };

  app.post('/admin/api/:version/graphql.json', graphql);
  app.post('/shops/:shop/admin/api/:version/graphql.json', graphql);
  app.post('/admin/oauth/access_token', accessToken);
  app.post('/shops/:shop/admin/oauth/access_token', accessToken);
  // Shopify answers unknown paths with 404 and a JSON body; keep that for anything else too.
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ errors: 'Not Found' }));
  const deps: ControlDeps = { shops, knobs, webhooks, nextId, callLog, addShop };
  const control = createControl(deps);
  registerControlRoutes(app, control, deps);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url,
    shopUrl: (domain) => `${url}/shops/${domain}`,
    control,
    state: { shops, knobs },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await webhooks.close();
      await app.close();
    },
  };
}
