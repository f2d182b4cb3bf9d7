// Reconciliation runs: start one (admin, support), watch its progress, page through its
// discrepancies and export them as CSV (every role; accountants are the audience).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Reconciliations } from '../../../reconciliation/reconciliations.js';
import { csvStream } from '../../../reports/csv.js';
import { DISCREPANCY_COLUMNS, DiscrepancyClass } from '../../../reports/discrepancy-report.js';
import { decodeCursor, encodeCursor, PageQuery } from '../../../reports/filters.js';
import { allPages } from '../../../reports/keyset.js';
import { HttpError, notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const StartRun = z
  .object({
    connectionId: z.uuid().optional(),
    sku: z.string().trim().min(1).max(255).optional(),
    heal: z.boolean().default(false),
  })
  .strict();

const RunId = z.object({ id: z.uuid() });
const RunStatus = z.enum(['queued', 'running', 'completed', 'failed']);
const ListQuery = PageQuery.extend({ status: RunStatus.optional() });
const DiscrepancyQuery = PageQuery.extend({
  classification: DiscrepancyClass.optional(),
  sku: z.string().trim().min(1).max(255).optional(),
  connectionId: z.uuid().optional(),
});

function listCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = decodeCursor(cursor, ['time', 'uuid']) as [string, string];
  return { createdAt: new Date(createdAt), id };
}

/** A CSV download: streamed, named, and never cached by a proxy (it holds business figures). */
export function csvHeaders(filename: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

export async function reconciliationRoutes(app: FastifyInstance, options: { reconciliations: Reconciliations }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { reconciliations } = options;
  const tags = ['reconciliations'];

  api.post(
    '/reconciliations',
    { schema: { tags, summary: 'Start a reconciliation run (optionally one channel or SKU; heal pushes targets)', body: StartRun } },
    async (request, reply) => {
      const { heal, ...scope } = request.body;
      const started = await reconciliations.start({ scope, heal, requestedBy: actorOf(request), correlationId: String(request.id) });
      switch (started.outcome) {
        case 'started':
          return reply.code(202).send({ id: started.id });
        case 'unknown_connection':
          throw notFound(`connection ${started.connectionId}`);
        case 'queue_unavailable':
          throw new HttpError(503, 'QUEUE_UNAVAILABLE', `the run ${started.id} could not be queued; try again shortly`);
      }
    },
  );

  api.get('/reconciliations', { schema: { tags, summary: 'List runs, newest first', querystring: ListQuery } }, async (request) => {
    const { cursor, limit, status } = request.query;
    const page = await reconciliations.list({ status, limit, ...(cursor ? { cursor: listCursor(cursor) } : {}) });
    return { items: page.items, nextCursor: page.next ? encodeCursor([page.next.createdAt.toISOString(), page.next.id]) : null };
  });

  api.get(
    '/reconciliations/:id',
    {
      schema: {
        tags,
        summary: 'A run: progress while it runs; totals and the first page of discrepancies when done',
        params: RunId,
        querystring: PageQuery,
      },
    },
    async (request) => {
      const view = await reconciliations.view(request.params.id, request.query);
      if (!view) throw notFound('reconciliation run');
      return view;
    },
  );

  api.get(
    '/reconciliations/:id/discrepancies',
    { schema: { tags, summary: 'Page through a run’s discrepancies', params: RunId, querystring: DiscrepancyQuery } },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const page = await reconciliations.discrepancies(request.params.id, { page: { cursor, limit }, ...filter });
      if (!page) throw notFound('reconciliation run');
      return page;
    },
  );

  api.get(
    '/reconciliations/:id/discrepancies.csv',
    { schema: { tags, summary: 'A run’s discrepancies as CSV (streamed)', params: RunId } },
    async (request, reply) => {
      const source = await reconciliations.discrepancyExport(request.params.id);
      if (!source) throw notFound('reconciliation run');
      return reply.headers(csvHeaders(`reconciliation-${request.params.id}.csv`)).send(csvStream(DISCREPANCY_COLUMNS, allPages(source)));
    },
  );
}
