// movement.post: one ledger movement → the ERP (src/sync/post-movement.ts). A busy SKU lock (the
// post went through, its bookkeeping waits) hands the job back; the re-post is a no-op on the ERP.
import type { MovementPoster } from '../src/sync/post-movement.js';
import { delayJob } from './process-event.js';
import type { JobHandler } from './runtime.js';

export function postMovementHandler(poster: Pick<MovementPoster, 'post'>): JobHandler<'movement.post'> {
  return async (payload, job) => {
    const outcome = await poster.post({ movementId: payload.movementId, correlationId: payload.correlationId });
    if (outcome.outcome === 'busy') await delayJob(job, outcome.retryAt);
    return outcome;
  };
}
