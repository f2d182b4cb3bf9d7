// Shared by the abuse tests: every route the app registers (collected at runtime, like the route ×
// role matrix), a deadline that turns a hung request into a failure naming it, and the one error
// shape every 4xx must have.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Services } from '../../src/app/services.js';
import { buildServer } from '../../src/http/server.js';

/** `readsBody`: the route declares a body schema (or is a webhook, which reads raw bytes). */
export type Route = { method: string; url: string; readsBody: boolean };

/** Builds the app and lists every route it registers (HEAD and OPTIONS aside). */
export async function appWithRoutes(services: Services): Promise<{ app: FastifyInstance; routes: Route[] }> {
  const routes: Route[] = [];
  const app = await buildServer(services, {
    onRoute: (route) => {
      const readsBody = Boolean(route.schema?.body) || route.url.startsWith('/webhooks/');
      for (const method of [route.method].flat())
        if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url, readsBody });
    },
  });
  await app.ready();
  return { app, routes };
}

export const hasBody = (route: Route) => ['POST', 'PUT', 'PATCH'].includes(route.method);
export const isWebhook = (route: Route) => route.url.startsWith('/webhooks/');
export const isApi = (route: Route) => route.url.startsWith('/api/v1');

/** A concrete URL for a route pattern: ids become unknown UUIDs, other parameters plain words. */
export function concrete(url: string, value?: (name: string) => string | undefined): string {
  return url
    .replace(/:([A-Za-z]+)/g, (_match, name: string) => value?.(name) ?? (/id$/i.test(name) ? randomUUID() : `probe-${name}`))
    .replace(/\*$/, 'probe');
}

/** Rejects when a request takes longer than `ms`: a hang is a failure that names its request. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** app.inject with a deadline; a connection the server destroyed (a stream that failed midway) names its request too. */
export async function send(app: FastifyInstance, options: InjectOptions, what: string): Promise<LightMyRequestResponse> {
  try {
    return await within(app.inject(options), 10_000, what);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Never a 5xx; a 4xx is JSON of the one shape the error plugin writes, with a stable code and a
 * message that says something, and the request id the response header carries.
 */
export function expectNoServerError(response: LightMyRequestResponse, where: string): void {
  expect(response.statusCode, `${where} → ${response.statusCode} ${response.body.slice(0, 300)}`).toBeLessThan(500);
  expect(String(response.headers['x-request-id'] ?? 'none'), where).toMatch(SAFE_REQUEST_ID);
  if (response.statusCode < 400) return;
  expect(String(response.headers['content-type']), where).toMatch(/^application\/json/);
  const { error } = response.json() as { error: { code?: unknown; message?: unknown; requestId?: unknown } };
  expect(error?.code, `${where}: ${response.body.slice(0, 300)}`).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(typeof error.message === 'string' && error.message.length >= 5, `${where}: ${response.body.slice(0, 300)}`).toBe(true);
  expect(error.requestId, where).toBe(response.headers['x-request-id']);
}

/** A 400 whose message names the field that was wrong (body.x, querystring.x, params.x). */
export function expectNamedField(response: LightMyRequestResponse, field: RegExp, where: string): void {
  expect(response.statusCode, `${where}: ${response.body.slice(0, 300)}`).toBe(400);
  expect(response.json().error.message, where).toMatch(field);
}

export async function adminToken(services: Services): Promise<string> {
  return (await services.apiTokens.create({ role: 'admin', name: `security ${randomUUID().slice(0, 6)}` })).token;
}

/** Rows in the tables an abusive request must never write to. */
export async function writableRowCounts(services: Services): Promise<Record<string, number>> {
  const { prisma } = services;
  const [inbox, connections, skus, movements, tokens, users, audit] = await Promise.all([
    prisma.inboxEvent.count(),
    prisma.connection.count(),
    prisma.sku.count(),
    prisma.movement.count(),
    prisma.apiToken.count(),
    prisma.user.count(),
    prisma.auditEntry.count(),
  ]);
  return { inbox, connections, skus, movements, tokens, users, audit };
}
