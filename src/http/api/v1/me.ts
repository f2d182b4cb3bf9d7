import type { FastifyInstance } from 'fastify';

/** Who the caller is: the smallest protected route, and what the UI asks first. */
export async function meRoutes(app: FastifyInstance) {
  app.get('/me', async (request) => {
    const principal = request.principal;
    return { kind: principal?.kind, id: principal?.id, role: principal?.role, name: principal?.name };
  });
}
