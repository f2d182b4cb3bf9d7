// Received webhook events, for support: list (newest first, paged), one event with its payload, and
// replay. Payloads hold no secrets (signatures are never stored), but the list leaves them out to
// stay small.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InboxStatus } from '../../../db/generated/enums.js';
import { decodeCursor, type InboxEvents } from '../../../inbox/inbox-events.js';
import { badRequest, HttpError, notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';

const ListQuery = z.object({
  connectionId: z.uuid().optional(),
  status: z.enum(Object.values(InboxStatus) as [InboxStatus, ...InboxStatus[]]).optional(),
  topic: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

const EventParams = z.object({ id: z.uuid() });

export async function eventRoutes(app: FastifyInstance, options: { events: InboxEvents }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { events } = options;

  api.get(
    '/events',
    { schema: { tags: ['events'], summary: 'List received webhook events, newest first', querystring: ListQuery } },
    async (request) => {
      const { cursor: cursorText, ...filters } = request.query;
      const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
      if (cursor === null) throw badRequest('cursor: not a cursor this API returned');
      return events.list({ ...filters, cursor });
    },
  );

  api.get(
    '/events/:id',
    { schema: { tags: ['events'], summary: 'One received event, with its raw payload', params: EventParams } },
    async (request) => {
      const event = await events.get(request.params.id);
      if (!event) throw notFound('event');
      return event;
    },
  );

  api.post(
    '/events/:id/replay',
    { schema: { tags: ['events'], summary: 'Put one event back on the queue (audited)', params: EventParams } },
    async (request) => {
      const result = await events.replay(request.params.id, actorOf(request));
      switch (result.outcome) {
        case 'replayed':
          return { id: request.params.id, status: result.status };
        case 'not_found':
          throw notFound('event');
        case 'not_replayable':
          throw new HttpError(409, 'NOT_REPLAYABLE', `an event stored as ${result.status} cannot be processed`);
        case 'busy':
          throw new HttpError(409, 'EVENT_BUSY', 'the event is being processed right now; try again when it finishes');
        case 'unavailable':
          throw new HttpError(503, 'QUEUE_UNAVAILABLE', 'the job queue is unavailable; try again shortly');
      }
    },
  );
}
