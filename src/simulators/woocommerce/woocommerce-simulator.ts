// A stand-in for a WooCommerce store: the REST v3 subset a stock sync uses, authenticated like the
// real one, with signed webhooks, knobs (latency, error/429/503 rates, key permissions) and one-off
// faults. Imports nothing from src/: it plays another company's system, and sharing our code would
// let the contract tests agree with themselves.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createAuthenticator, type KeyPermissions } from './auth.js';
import { type CallRecord, createControl, type Fault, type Knobs, registerControlRoutes, type SimulatorControl } from './control.js';
import { registerRequestGate } from './request-gate.js';
import { wooError } from './resources.js';
import { registerOrderAndWebhookRoutes } from './rest-orders-webhooks.js';
import { registerProductRoutes } from './rest-products.js';
import type { SimContext } from './sim-context.js';
import { createWooStore, type SeedProduct } from './store.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhook-delivery.js';

export type WooSimulatorOptions = {
  port?: number;
  host?: string;
  consumerKey: string;
  consumerSecret: string;
  permissions?: KeyPermissions;
  latencyMs?: number;
  errorRate?: number;
  rate429?: number;
  rate503?: number;
  retryAfterSeconds?: number;
  /** Seed for the random failures, so a run can be repeated. */
  randomSeed?: number;
  /** Home URL reported in webhooks (X-WC-Webhook-Source); defaults to the simulator's own URL. */
  siteUrl?: string;
  catalog?: SeedProduct[];
  batchLimit?: number;
  /** WooCommerce waits 60 s for a delivery; tests may want less. */
  deliveryTimeoutMs?: number;
  /** Delay before a queued delivery is sent (changes within it coalesce). */
  deliveryDelayMs?: number;
  now?: () => Date;
};

export type WooSimulator = { url: string; control: SimulatorControl; close: () => Promise<void> };

/** mulberry32: a tiny seeded PRNG. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startWooCommerceSimulator(options: WooSimulatorOptions): Promise<WooSimulator> {
  const now = options.now ?? (() => new Date());
  const random = seededRandom(options.randomSeed ?? 1);
  const knobs: Knobs = {
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
    rate429: options.rate429 ?? 0,
    rate503: options.rate503 ?? 0,
    retryAfterSeconds: options.retryAfterSeconds ?? 2,
    permissions: options.permissions ?? 'read_write',
  };
  const faults: (Fault & { remaining: number })[] = [];
  const calls: CallRecord[] = [];
  let url = '';
  const siteUrl = () => options.siteUrl ?? url;

  // The store reports changes to the dispatcher, which reads the store when it sends.
  let dispatcher: WebhookDispatcher | undefined;
  const store = createWooStore({ now, onChange: (topic, id) => dispatcher?.notify(topic, id) });
  dispatcher = createWebhookDispatcher({
    store,
    siteUrl,
    timeoutMs: options.deliveryTimeoutMs ?? 60_000,
    delayMs: options.deliveryDelayMs ?? 0,
  });
  const ctx: SimContext = { store, dispatcher, siteUrl, batchLimit: options.batchLimit ?? 100 };
  const control = createControl(ctx, { knobs, faults, calls });
  if (options.catalog) store.seed(options.catalog);

  // forceCloseConnections: close() must not wait for replies a fault is holding back.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  registerRequestGate(app, {
    knobs,
    faults,
    calls,
    random,
    now,
    authenticator: createAuthenticator({ consumerKey: options.consumerKey, consumerSecret: options.consumerSecret, now }),
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(wooError('rest_no_route', 'No route was found matching the URL and request method.', 404)),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (request.url.startsWith('/_sim/')) return reply.code(error.statusCode ?? 500).send({ error: error.message });
    if (error.statusCode && error.statusCode < 500) return reply.code(400).send(wooError('rest_invalid_json', error.message, 400));
    return reply.code(500).send(wooError('internal_server_error', error.message, 500));
  });

  registerProductRoutes(app, ctx);
  registerOrderAndWebhookRoutes(app, ctx);
  registerControlRoutes(app, control);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  return { url, control, close: () => app.close() };
}
