// /healthz: the process answers. /readyz: PostgreSQL and Redis both answer, or 503 naming what is down.
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = { name: string; check: () => Promise<boolean> };

export async function healthRoutes(app: FastifyInstance, options: { checks: ReadinessCheck[] }) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(options.checks.map(async ({ name, check }) => [name, await check().catch(() => false)] as const));
    const down = results.filter(([, up]) => !up).map(([name]) => name);
    const body = {
      status: down.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results.map(([name, up]) => [name, up ? 'up' : 'down'])),
      down,
    };
    return reply.code(down.length === 0 ? 200 : 503).send(body);
  });
}
