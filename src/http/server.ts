// buildServer(services) → a Fastify app that is ready to inject or listen; it never listens itself.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Services } from '../app/services.js';
import { pingDatabase } from '../db/client.js';
import { createGaugeCollector } from '../observability/collect-gauges.js';
import { pingRedis } from '../queue/redis.js';
import { importMapHash } from '../ui/index-html.js';
import { uiRoutes } from '../ui/routes.js';
import { apiV1Routes } from './api/v1/index.js';
import { authRoutes } from './auth-routes.js';
import { healthRoutes } from './health.js';
import { authPlugin, bearerAuthenticator } from './plugins/auth.js';
import { csrfPlugin } from './plugins/csrf.js';
import { errorsPlugin, frameworkErrorHandler } from './plugins/errors.js';
import { metricsRoute } from './plugins/metrics.js';
import { openApiPlugin } from './plugins/openapi.js';
import { requestContextPlugin, requestIdFrom } from './plugins/request-context.js';
import { securityPlugin } from './plugins/security.js';
import { createSessionCookie, sessionAuthenticator, sessionPlugin } from './plugins/session.js';
import { textInputPlugin } from './plugins/text-input.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

export type BuildServerOptions = {
  /** Sees every route as it is registered (the route × role matrix test walks them all). */
  onRoute?: (route: RouteOptions) => void;
};

export async function buildServer(services: Services, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.log.child({ module: 'http' }) as FastifyBaseLogger,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    // Node disables its own request timeout when Fastify's is 0 (the default): a slow client must
    // not hold a socket forever.
    requestTimeout: services.config.requestTimeoutMs,
    bodyLimit: 1_048_576,
    trustProxy: services.config.trustProxy,
    // The router's default of 100 characters per path parameter answered 414 for SKUs of 101 to
    // 200 characters, which the SKU API accepts (GET /api/v1/skus/:sku allows 200).
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  const https = services.config.publicUrl.startsWith('https:');
  const sessionCookie = createSessionCookie({ secure: https });

  await app.register(requestContextPlugin);
  await app.register(errorsPlugin);
  await app.register(textInputPlugin);
  await app.register(securityPlugin, { https, inlineScriptHashes: [importMapHash] });
  await app.register(openApiPlugin, { publicUrl: services.config.publicUrl, version: '1.0.0' });
  await app.register(healthRoutes, {
    checks: [
      { name: 'postgres', check: () => pingDatabase(services.db.pool) },
      { name: 'redis', check: () => pingRedis(services.redis) },
    ],
  });
  await app.register(metricsRoute, {
    metrics: services.metrics,
    collect: createGaugeCollector({
      prisma: services.prisma,
      queues: services.queues,
      metrics: services.metrics,
      log: services.log,
      staleSkuSlaMs: services.config.staleSkuSlaMs,
    }),
  });
  await app.register(sessionPlugin);
  // Bearer first: automation that also happens to hold a cookie is judged by its token, CSRF-free.
  await app.register(authPlugin, {
    authenticators: [bearerAuthenticator(services.apiTokens.authenticate), sessionAuthenticator(services.sessions, sessionCookie)],
  });
  await app.register(csrfPlugin);
  await app.register(authRoutes, {
    users: services.users,
    sessions: services.sessions,
    sessionCookie,
    redis: services.redis,
    keyPrefix: services.config.queuePrefix,
    publicUrl: services.config.publicUrl,
    loginRateLimit: services.config.loginRateLimit,
  });
  await app.register(webhookRoutes, {
    record: services.inbox.record,
    metrics: services.metrics,
    bodyLimitBytes: services.config.webhooks.bodyLimitBytes,
  });
  await app.register(apiV1Routes, { prefix: '/api/v1', services });
  await app.register(uiRoutes);
  return app;
}
