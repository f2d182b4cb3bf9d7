import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';

export async function metricsRoute(app: FastifyInstance, options: { metrics: Metrics; collect?: () => Promise<void> }) {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    await options.collect?.();
    reply.header('content-type', options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}
