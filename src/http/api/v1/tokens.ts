// API tokens, managed by admins. The token value is returned once, at creation.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiTokens } from '../../../auth/api-tokens.js';
import { ROLES } from '../../../auth/roles.js';
import { notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const CreateToken = z.object({ role: z.enum(ROLES), name: z.string().trim().min(1).max(100) });

export async function tokenRoutes(app: FastifyInstance, options: { apiTokens: ApiTokens }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { apiTokens } = options;

  api.get('/tokens', { schema: { tags: ['tokens'], summary: 'List API tokens (never their values)' } }, async () => ({
    tokens: await apiTokens.list(),
  }));

  api.post('/tokens', { schema: { tags: ['tokens'], summary: 'Create an API token', body: CreateToken } }, async (request, reply) => {
    const created = await apiTokens.create({ ...request.body, createdBy: actorOf(request) });
    return reply.code(201).send({ id: created.id, token: created.token, role: request.body.role, name: request.body.name });
  });

  api.delete(
    '/tokens/:id',
    { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: z.object({ id: z.uuid() }) } },
    async (request, reply) => {
      if (!(await apiTokens.revoke(request.params.id))) throw notFound('active token');
      return reply.code(204).send();
    },
  );
}
