// Queue depth and lag for the support console, and the state of one job (a resync's progress).
// Read straight from BullMQ with a deadline: a Redis outage answers 503 in bounded time instead of
// hanging the page that is supposed to show the outage.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withDeadline } from '../../../inbox/deadline.js';
import { QUEUE_NAMES } from '../../../queue/catalog.js';
import type { Queues } from '../../../queue/queues.js';
import { HttpError, notFound } from '../../errors.js';

const STATES = ['waiting', 'delayed', 'active', 'failed', 'prioritized', 'completed'] as const;

const QueueView = z.object({
  name: z.enum(QUEUE_NAMES),
  waiting: z.number().int(),
  delayed: z.number().int(),
  active: z.number().int(),
  failed: z.number().int(),
  prioritized: z.number().int(),
  completed: z.number().int(),
  oldestWaitingMs: z.number().int().nullable().describe('Age of the oldest waiting job: the queue’s lag (null when none waits)'),
});

const JobView = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string().describe('waiting, delayed, active, completed, failed or unknown'),
  progress: z.unknown(),
  attemptsMade: z.number().int(),
  failedReason: z.string().nullable(),
  result: z.unknown().describe('What the job returned when it completed'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

/** Redis did not answer in time: the page says so instead of hanging. */
const queueTimeout = () => new HttpError(503, 'QUEUE_UNAVAILABLE', 'the job queue did not answer; is Redis up?');

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

export async function queueRoutes(app: FastifyInstance, options: { queues: Queues; deadlineMs: number; clock?: () => number }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { queues } = options;
  const clock = options.clock ?? Date.now;
  const tags = ['queues'];

  api.get(
    '/queues',
    { schema: { tags, summary: 'Depth and lag of every job queue', response: { 200: z.object({ queues: z.array(QueueView) }) } } },
    async () => {
      const read = async (name: (typeof QUEUE_NAMES)[number]) => {
        const queue = queues.get(name);
        const [counts, [oldest]] = await Promise.all([queue.getJobCounts(...STATES), queue.getWaiting(0, 0)]);
        const count = (state: (typeof STATES)[number]) => counts[state] ?? 0;
        return {
          name,
          waiting: count('waiting'),
          delayed: count('delayed'),
          active: count('active'),
          failed: count('failed'),
          prioritized: count('prioritized'),
          completed: count('completed'),
          oldestWaitingMs: oldest ? Math.max(0, clock() - oldest.timestamp) : null,
        };
      };
      return { queues: await withDeadline(Promise.all(QUEUE_NAMES.map(read)), options.deadlineMs, queueTimeout) };
    },
  );

  api.get(
    '/queues/:queue/jobs/:id',
    {
      schema: {
        tags,
        summary: 'One job’s state, progress and result (e.g. the jobId a resync answered with)',
        params: z.object({ queue: z.enum(QUEUE_NAMES), id: z.string().min(1).max(200) }),
        response: { 200: JobView },
      },
    },
    async (request) => {
      const queue = queues.get(request.params.queue);
      const job = await withDeadline(queue.getJob(request.params.id), options.deadlineMs, queueTimeout);
      if (!job) throw notFound('job');
      const state = await withDeadline(job.getState(), options.deadlineMs, queueTimeout);
      return {
        id: job.id ?? request.params.id,
        name: job.name,
        state,
        progress: job.progress,
        attemptsMade: job.attemptsMade,
        failedReason: job.failedReason || null,
        result: job.returnvalue ?? null,
        createdAt: new Date(job.timestamp).toISOString(),
        startedAt: iso(job.processedOn),
        finishedAt: iso(job.finishedOn),
      };
    },
  );
}
