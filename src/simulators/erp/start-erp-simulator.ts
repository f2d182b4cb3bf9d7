// A stand-in for an in-house ERP that implements the generic-rest contract, for the demo, end-to-end
// tests, chaos runs and benchmarks. Like every simulator it imports nothing from src/: it plays
// another company's system, and sharing our code would let the contract tests agree with themselves.
import Fastify from 'fastify';
import { registerContractRoutes } from './contract-routes.js';
import { type CallRecord, createSimControl, type SimControl, SimKnobs } from './control.js';
import { registerControlRoutes } from './control-routes.js';
import { createErpState } from './erp-state.js';
import { createWebhookSender } from './webhook-sender.js';

export type ErpSimulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  apiKey: string;
  /** Where and how to send signed stock.changed webhooks (also settable later through control). */
  webhookUrl?: string;
  webhookSecret?: string;
  latencyMs?: number;
  errorRate?: number;
  throttleRate?: number;
  timeoutRate?: number;
  /** How long a "timed out" reply is held back (default 30 s; released at close). */
  hangMs?: number;
  retryAfterSeconds?: number;
  /** Deterministic chaos in tests. */
  random?: () => number;
  now?: () => number;
  /** Used to send webhooks. */
  fetch?: typeof globalThis.fetch;
};

export type ErpSimulator = { url: string; control: SimControl; close: () => Promise<void> };

export async function startErpSimulator(options: ErpSimulatorOptions): Promise<ErpSimulator> {
  const knobs = SimKnobs.parse({
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
    throttleRate: options.throttleRate ?? 0,
    timeoutRate: options.timeoutRate ?? 0,
    hangMs: options.hangMs ?? 30_000,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
  });
  const state = createErpState({ now: options.now });
  const sender = createWebhookSender({ fetch: options.fetch });
  if (options.webhookUrl) {
    if (!options.webhookSecret) throw new Error('webhookUrl needs webhookSecret: the ERP signs every webhook');
    sender.configure({ url: options.webhookUrl, secret: options.webhookSecret });
  }
  const calls: CallRecord[] = [];
  const control = createSimControl({ state, sender, knobs, calls });

  // Held replies and latency waits end early at close, so close() never waits for a hang to expire.
  const waiting = new Set<() => void>();
  const hold = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
    });

  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  await app.register(async (scope) => registerControlRoutes(scope, control));
  await app.register(async (scope) =>
    registerContractRoutes(scope, { state, sender, knobs, calls, apiKey: options.apiKey, random: options.random ?? Math.random, hold }),
  );
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    control,
    async close() {
      for (const release of [...waiting]) release();
      await sender.close();
      await app.close();
    },
  };
}
