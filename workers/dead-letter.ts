// The runtime's onExhausted hook: a job that will not run again becomes a dead-letter row with its
// whole context (and its inbox row, for event jobs, is marked dead).
import type { DeadLetters } from '../src/sync/dead-letters.js';
import type { ExhaustedHook } from './runtime.js';

export function createExhaustedHook(deadLetters: Pick<DeadLetters, 'record'>): ExhaustedHook {
  return async (job, error) => {
    await deadLetters.record(
      {
        id: job.id,
        name: job.name,
        data: job.data,
        attemptsMade: job.attemptsMade,
        queueName: job.queueName,
        timestamp: job.timestamp,
        processedOn: job.processedOn,
      },
      error,
    );
  };
}
