// Connections: stores and ERPs. Secrets go in, never come out.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalogHealth } from '../../../connections/catalog-import.js';
import { ConnectionError, type Connections } from '../../../connections/connections-service.js';
import { CreateConnectionInput } from '../../../connections/create-input.js';
import { ManualEditPolicy, MovementPolicy } from '../../../connections/types.js';
import type { PrismaClient } from '../../../db/client.js';
import type { Queues } from '../../../queue/queues.js';
import { HttpError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const Params = z.object({ id: z.uuid() });

const PatchConnection = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    settings: z
      .object({
        bufferQuantity: z.number().int().min(0).max(1_000_000).optional(),
        capQuantity: z.number().int().min(0).max(1_000_000_000).nullable().optional(),
        allocationPercent: z.number().int().min(1).max(100).nullable().optional(),
        manualEditPolicy: ManualEditPolicy.optional(),
        movementPolicy: MovementPolicy.optional(),
        quantityBasis: z.object({ subtractReserved: z.boolean(), includeIncoming: z.boolean() }).optional(),
      })
      .strict()
      .optional(),
    locations: z
      .array(
        z.object({
          externalLocationId: z.string().trim().min(1).max(200),
          name: z.string().max(200).optional(),
          warehouseCodes: z.array(z.string().trim().min(1).max(200)).max(100),
          active: z.boolean().optional(),
        }),
      )
      .max(200)
      .optional(),
  })
  .strict();

const STATUS_BY_CODE: Record<ConnectionError['code'], number> = {
  NOT_FOUND: 404,
  BASE_URL_OVERRIDE_NOT_ALLOWED: 400,
  ENDPOINT_REFUSED: 400,
  CONNECTION_TEST_FAILED: 422,
  WEBHOOK_REGISTRATION_FAILED: 502,
};

function asHttp(error: unknown): never {
  if (error instanceof ConnectionError) throw new HttpError(STATUS_BY_CODE[error.code], error.code, error.message, error.details);
  throw error;
}

export async function connectionRoutes(app: FastifyInstance, options: { connections: Connections; prisma: PrismaClient; queues: Queues }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { connections } = options;
  const tags = ['connections'];

  api.get('/connections', { schema: { tags, summary: 'List connections (never their credentials)' } }, async () => ({
    connections: await connections.list(),
  }));

  api.post(
    '/connections',
    {
      schema: {
        tags,
        summary: 'Connect a store or ERP: tests it, stores credentials encrypted, registers webhooks',
        body: CreateConnectionInput,
      },
    },
    async (request, reply) => {
      const created = await connections.create(request.body, actorOf(request)).catch(asHttp);
      return reply.code(201).send(created);
    },
  );

  api.get('/connections/:id', { schema: { tags, summary: 'One connection', params: Params } }, async (request) =>
    connections.get(request.params.id).catch(asHttp),
  );

  api.patch(
    '/connections/:id',
    {
      schema: { tags, summary: 'Change name, policies, buffer/cap/allocation or location mapping', params: Params, body: PatchConnection },
    },
    async (request) => connections.update(request.params.id, request.body, actorOf(request)).catch(asHttp),
  );

  api.post(
    '/connections/:id/test',
    { schema: { tags, summary: 'Test the stored credentials against the platform', params: Params } },
    async (request) => ({
      test: await connections.test(request.params.id, actorOf(request)).catch(asHttp),
    }),
  );

  api.post(
    '/connections/:id/pause',
    { schema: { tags, summary: 'Hold pushes and event processing for this connection', params: Params } },
    async (request) => connections.setPaused(request.params.id, true, actorOf(request)).catch(asHttp),
  );

  api.post(
    '/connections/:id/resume',
    { schema: { tags, summary: 'Resume: process held events and push held targets', params: Params } },
    async (request) => connections.setPaused(request.params.id, false, actorOf(request)).catch(asHttp),
  );

  api.get(
    '/connections/:id/catalog',
    {
      schema: {
        tags,
        summary: 'Catalog health: blank, duplicate, deleted, unmapped and missing SKUs',
        params: Params,
        querystring: z.object({
          problem: z.enum(['blank_sku', 'duplicate_sku', 'deleted', 'unmapped', 'missing']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      await connections.get(request.params.id).catch(asHttp);
      return catalogHealth(options.prisma, { connectionId: request.params.id, ...request.query });
    },
  );

  api.post(
    '/connections/:id/catalog/import',
    { schema: { tags, summary: 'Re-import the catalog from the platform', params: Params } },
    async (request, reply) => {
      await connections.get(request.params.id).catch(asHttp);
      await options.queues.add('connection.import-catalog', { connectionId: request.params.id, correlationId: String(request.id) });
      return reply.code(202).send({ queued: true });
    },
  );

  api.delete(
    '/connections/:id',
    { schema: { tags, summary: 'Disconnect: removes our webhooks from the platform', params: Params } },
    async (request) => connections.remove(request.params.id, actorOf(request)).catch(asHttp),
  );
}
