// Resyncs: recompute targets for a SKU, a connection or everything and make the stores show them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ResyncRequests } from '../../../sync/resync-requests.js';
import { notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const ResyncBody = z
  .object({
    sku: z.string().trim().min(1).max(200).optional(),
    connectionId: z.uuid().optional(),
  })
  .strict()
  .describe('Neither field: everything. `sku`: that SKU on every channel. `connectionId`: that store (or, for an ERP, every store).');

export const ResyncAccepted = z.object({
  resyncId: z.uuid().describe('Also the correlation id of every step of the resync'),
  jobId: z.string(),
  scope: z.object({ sku: z.string().optional(), connectionId: z.uuid().optional() }),
  skus: z.number().int().describe('SKUs the resync will recompute'),
  channels: z
    .array(z.object({ connectionId: z.uuid(), paused: z.boolean() }))
    .describe('Stores it will verify and push to (paused ones are held)'),
});

export async function resyncRoutes(app: FastifyInstance, options: { resyncRequests: ResyncRequests }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/resyncs',
    {
      schema: {
        tags: ['resyncs'],
        summary: 'Start a resync of a SKU, a connection or everything',
        body: ResyncBody.nullish(),
        response: { 202: ResyncAccepted },
      },
    },
    async (request, reply) => {
      const scope = request.body ?? {};
      const outcome = await options.resyncRequests.request(scope, actorOf(request));
      if (outcome.outcome === 'connection_not_found') throw notFound('connection');
      const { outcome: _queued, ...accepted } = outcome;
      return reply.code(202).send(accepted);
    },
  );
}
