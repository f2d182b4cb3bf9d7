// connection.poll: the safety net for missed webhooks (src/sync/poll-changes.ts). Schedulers, one per
// pollable connection, are kept in step by services.pollSchedules at start and on connection changes.
import type { Services } from '../src/app/services.js';
import { type ChangePoller, createChangePoller } from '../src/sync/poll-changes.js';
import type { JobHandler } from './runtime.js';

export function changePollerFor(services: Services): ChangePoller {
  return createChangePoller({
    prisma: services.prisma,
    connectors: services.connectorFactory,
    // Job id = inbox id, as for webhook events: a relay of the same row cannot enqueue it twice.
    enqueueEvent: async (inboxEventId, correlationId) => {
      await services.queues.add('event.process', { inboxEventId, correlationId }, { jobId: inboxEventId });
    },
    log: services.log,
  });
}

export function pollChangesHandler(poller: Pick<ChangePoller, 'poll'>): JobHandler<'connection.poll'> {
  return (payload) => poller.poll(payload.connectionId);
}
