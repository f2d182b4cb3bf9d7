// Dead letters: jobs that failed for good, with their context; replay one, some or all open ones.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeadLetters, ReplayOutcome } from '../../../sync/dead-letters.js';
import { conflict, HttpError, notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const Status = z.enum(['open', 'replayed', 'discarded']);
const ListQuery = z.object({
  status: Status.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime().optional().describe('Only dead letters created before this time (paging)'),
});
const Params = z.object({ id: z.uuid() });
const ReplayBody = z
  .object({ ids: z.array(z.uuid()).min(1).max(1_000).optional() })
  .strict()
  .describe('No ids: every open dead letter');

const DeadLetterView = z.object({
  id: z.uuid(),
  jobName: z.string(),
  payload: z.unknown(),
  connectionId: z.uuid().nullable(),
  sku: z.string().nullable(),
  inboxEventId: z.uuid().nullable(),
  errorCode: z.string(),
  errorMessage: z.string(),
  context: z.unknown(),
  attempts: z.number().int(),
  status: Status,
  correlationId: z.string().nullable(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
  replayCount: z.number().int(),
});

const ReplayResult = z.object({
  id: z.uuid(),
  outcome: z.enum(['replayed', 'not_found', 'discarded', 'busy', 'invalid_payload']),
  jobId: z.string().optional(),
  replayCount: z.number().int().optional(),
  detail: z.string().optional(),
});

type Row = Awaited<ReturnType<DeadLetters['list']>>[number];

const view = (row: Row) => ({ ...row, createdAt: row.createdAt.toISOString(), replayedAt: row.replayedAt?.toISOString() ?? null });

function failOn(outcome: ReplayOutcome): void {
  if (outcome.outcome === 'not_found') throw notFound('dead letter');
  if (outcome.outcome === 'discarded') throw conflict('dead letter was discarded');
  if (outcome.outcome === 'busy') throw conflict('dead letter is being replayed by another request');
  if (outcome.outcome === 'invalid_payload')
    throw new HttpError(422, 'INVALID_PAYLOAD', `stored payload cannot be replayed: ${outcome.detail ?? ''}`);
}

export async function deadLetterRoutes(
  app: FastifyInstance,
  options: { deadLetters: Pick<DeadLetters, 'list' | 'replay' | 'replayMany'> },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['dead-letters'];
  const { deadLetters } = options;

  api.get(
    '/dead-letters',
    {
      schema: {
        tags,
        summary: 'Dead letters, newest first',
        querystring: ListQuery,
        response: { 200: z.object({ deadLetters: z.array(DeadLetterView) }) },
      },
    },
    async (request) => {
      const { status, limit, before } = request.query;
      const rows = await deadLetters.list({ limit, ...(status ? { status } : {}), ...(before ? { before: new Date(before) } : {}) });
      return { deadLetters: rows.map(view) };
    },
  );

  api.post(
    '/dead-letters/:id/replay',
    {
      schema: {
        tags,
        summary: 'Replay one dead letter (re-enqueues its job under a new id)',
        params: Params,
        response: { 202: ReplayResult },
      },
    },
    async (request, reply) => {
      const outcome = await deadLetters.replay(request.params.id, actorOf(request));
      failOn(outcome);
      return reply.code(202).send(outcome);
    },
  );

  api.post(
    '/dead-letters/replay',
    {
      schema: {
        tags,
        summary: 'Replay the given dead letters, or every open one',
        body: ReplayBody.nullish(),
        response: { 202: z.object({ requested: z.number().int(), replayed: z.number().int(), results: z.array(ReplayResult) }) },
      },
    },
    async (request, reply) => {
      const ids = request.body?.ids;
      const results = await deadLetters.replayMany(ids ? { ids } : {}, actorOf(request));
      const replayed = results.filter((result) => result.outcome === 'replayed').length;
      return reply.code(202).send({ requested: results.length, replayed, results });
    },
  );
}
