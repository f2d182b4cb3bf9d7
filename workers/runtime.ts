// Runs the job handlers on BullMQ workers: one Worker per queue, dispatching by job name. Handlers
// hold no business logic: parse the payload with its catalog schema, make one domain call.
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { runWithContext } from '../src/observability/context.js';
import type { Logger } from '../src/observability/logger.js';
import type { Metrics } from '../src/observability/metrics.js';
import { BACKOFF, JOBS, type JobName, type JobPayload, parseJobPayload, type QueueName } from '../src/queue/catalog.js';
import { decideRetry, type RetryDecision } from '../src/sync/retry-policy.js';

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: Job) => Promise<unknown>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** Called once a job will not run again (permanent error or attempts exhausted). */
export type ExhaustedHook = (job: Job, error: Error) => Promise<void>;

export type WorkerRuntimeOptions = {
  connection: Redis;
  prefix: string;
  handlers: JobHandlers;
  concurrency: Partial<Record<QueueName, number>>;
  log: Logger;
  metrics: Metrics;
  onExhausted?: ExhaustedHook;
  /** Lock duration: a job whose worker died is picked up again after this. */
  lockDurationMs?: number;
};

/** decideRetry with the catalog's backoff bounds and the job's own attempt limit. */
export function retryDecisionFor(error: unknown, attempt: number, maxAttempts: number): RetryDecision {
  return decideRetry(error, attempt, { baseMs: BACKOFF.baseMs, capMs: BACKOFF.capMs, maxAttempts });
}

/** BullMQ's custom backoff: the delay decideRetry chose (-1, "do not retry", if it chose a dead letter). */
export function computeBackoffMs(attemptsMade: number, error: unknown, maxAttempts = Number.POSITIVE_INFINITY): number {
  const decision = retryDecisionFor(error, attemptsMade, maxAttempts);
  return decision.action === 'retry' ? decision.delayMs : -1;
}

export function startWorkers(options: WorkerRuntimeOptions) {
  const queueNames = new Set(Object.keys(options.handlers).map((name) => JOBS[name as JobName].queue));
  const workers = [...queueNames].map((queueName) => {
    const worker = new Worker(
      queueName,
      async (job) => {
        const name = job.name as JobName;
        const handler = options.handlers[name] as JobHandler<JobName> | undefined;
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
        let payload: JobPayload<JobName>;
        try {
          payload = parseJobPayload(name, job.data);
        } catch (error) {
          throw new UnrecoverableError(`invalid payload for ${job.name}: ${(error as Error).message}`);
        }
        const correlationId = (payload as { correlationId?: string }).correlationId ?? `job:${job.id}`;
        return runWithContext({ correlationId }, async () => {
          try {
            return await handler(payload, job);
          } catch (error) {
            // decideRetry alone chooses: a permanent error (or the last attempt) goes straight to the
            // dead-letter path; the original error rides along as `cause` for its code and context.
            // A DelayedError ("lock busy, come back shortly") is not a failure and uses no attempt.
            if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
            const decision = retryDecisionFor(error, job.attemptsMade + 1, job.opts.attempts ?? 1);
            if (decision.action === 'retry') throw error;
            throw Object.assign(new UnrecoverableError(error instanceof Error ? error.message : String(error)), { cause: error });
          }
        });
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency[queueName] ?? 4,
        lockDuration: options.lockDurationMs ?? 30_000,
        settings: { backoffStrategy: (attemptsMade, _type, error, job) => computeBackoffMs(attemptsMade, error, job?.opts.attempts) },
      },
    );
    worker.on('completed', () => options.metrics.jobs.inc({ queue: queueName, result: 'completed' }));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const exhausted =
        error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      options.metrics.jobs.inc({ queue: queueName, result: exhausted ? 'failed' : 'retried' });
      const log = options.log.child({
        jobId: job.id,
        job: job.name,
        correlationId: (job.data as { correlationId?: string }).correlationId,
      });
      if (!exhausted) {
        log.warn({ err: error.message, attempt: job.attemptsMade }, 'job failed, will retry');
        return;
      }
      log.error({ err: error.message, attempts: job.attemptsMade }, 'job failed for good');
      options.metrics.deadLetters.inc({ job: job.name });
      options.onExhausted?.(job, error).catch((hookError: unknown) => log.error({ err: hookError }, 'recording dead letter failed'));
    });
    worker.on('error', (error) => options.log.warn({ err: error.message, queue: queueName }, 'worker error'));
    return worker;
  });

  return {
    workers,
    /** Stops taking jobs and waits for running ones; a job cut off here is retried by BullMQ. */
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

export type WorkerRuntime = ReturnType<typeof startWorkers>;
