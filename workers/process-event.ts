// event.process: one stored inbox event → the sync engine (src/sync/event-processor.ts).
// Busy (a SKU lock held elsewhere) and deferred (a store change judged later) hand the job back to
// the queue for later without spending an attempt; errors are left to the runtime's retry policy.
import { DelayedError, type Job } from 'bullmq';
import type { EventProcessor } from '../src/sync/event-processor.js';
import type { JobHandler } from './runtime.js';

export function processEventHandler(processor: Pick<EventProcessor, 'process'>): JobHandler<'event.process'> {
  return async (payload, job) => {
    const outcome = await processor.process({ inboxEventId: payload.inboxEventId, correlationId: payload.correlationId });
    if (outcome.outcome === 'busy' || outcome.outcome === 'deferred') await delayJob(job, outcome.retryAt);
    return outcome;
  };
}

/** BullMQ's way to run a job again later without counting a failed attempt. */
export async function delayJob(job: Job, at: Date): Promise<never> {
  await job.moveToDelayed(at.getTime(), job.token);
  throw new DelayedError();
}
