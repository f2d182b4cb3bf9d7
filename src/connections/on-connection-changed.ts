// What follows a change to a connection: import the catalog of a new one, recompute targets after
// a policy or mapping change, and on resume process the events held while paused and push the
// targets held back. Each is a queued job, so the API answers at once and work survives restarts.
import { newCorrelationId } from '../observability/context.js';
import type { Queues } from '../queue/queues.js';

type Change = 'created' | 'updated' | 'paused' | 'resumed' | 'deleted';

export async function onConnectionChanged(input: {
  connectionId: string;
  change: Change;
  queues: Queues;
  inbox: { enqueuePaused(connectionId: string): Promise<unknown> };
}): Promise<void> {
  const { connectionId, queues } = input;
  const correlationId = newCorrelationId();
  switch (input.change) {
    case 'created':
      await queues.add('connection.import-catalog', { connectionId, correlationId });
      return;
    case 'updated':
      await queues.add('sku.resync', { connectionId, requestedBy: 'system', correlationId });
      return;
    case 'resumed':
      await input.inbox.enqueuePaused(connectionId);
      await queues.add('sku.resync', { connectionId, requestedBy: 'system', correlationId });
      return;
    case 'paused':
    case 'deleted':
      return;
  }
}
