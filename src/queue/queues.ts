// The BullMQ queues, under one configurable prefix (hash-tag it, e.g. "{stockbridge}", on Redis
// Cluster so every key of a queue lands in one slot).
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, type JobName, type JobPayload, type QueueName } from './catalog.js';

export type Queues = {
  readonly prefix: string;
  get(name: QueueName): Queue;
  add<N extends JobName>(name: N, payload: JobPayload<N>, options?: JobsOptions): Promise<string>;
  addBulk<N extends JobName>(name: N, jobs: { payload: JobPayload<N>; options?: JobsOptions }[]): Promise<void>;
  close(): Promise<void>;
};

export function createQueues(options: { connection: Redis; prefix: string }): Queues {
  // Queues are created on first use, and dropped when their connection check fails: BullMQ keeps a
  // queue whose first INFO failed broken for good, and the API's fail-fast connection may well be
  // down at that moment. The next call then builds a fresh one.
  const queues = new Map<QueueName, Queue>();
  const queueFor = (name: QueueName): Queue => {
    const existing = queues.get(name);
    if (existing) return existing;
    const queue = new Queue(name, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 5_000 } },
    });
    queue.on('error', () => {}); // surfaced to the caller of add(); the connection logs its own errors
    queues.set(name, queue);
    queue.waitUntilReady().catch(() => {
      if (queues.get(name) === queue) queues.delete(name);
      void queue.close().catch(() => {});
    });
    return queue;
  };
  const jobOptions = (name: JobName, extra?: JobsOptions): JobsOptions => ({
    attempts: JOBS[name].attempts,
    backoff: { type: 'stockbridge' },
    ...extra,
  });
  return {
    prefix: options.prefix,
    get: queueFor,
    async add(name, payload, extra) {
      const parsed = JOBS[name].payload.parse(payload);
      const job = await queueFor(JOBS[name].queue).add(name, parsed, jobOptions(name, extra));
      return job.id ?? '';
    },
    async addBulk(name, jobs) {
      if (jobs.length === 0) return;
      await queueFor(JOBS[name].queue).addBulk(
        jobs.map((job) => ({ name, data: JOBS[name].payload.parse(job.payload), opts: jobOptions(name, job.options) })),
      );
    },
    async close() {
      const open = [...queues.values()];
      queues.clear();
      await Promise.all(open.map((queue) => queue.close().catch(() => {})));
    },
  };
}
