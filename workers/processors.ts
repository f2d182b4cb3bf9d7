// The job handlers of every queue, wired to the domain services. Each handler parses nothing
// itself (the runtime validates payloads against the catalog) and makes one domain call.
import type { Services } from '../src/app/services.js';
import { importCatalogHandler } from './import-catalog.js';
import { changePollerFor, pollChangesHandler } from './poll-changes.js';
import { postMovementHandler } from './post-movement.js';
import { processEventHandler } from './process-event.js';
import { channelPusherFor, pushChannelHandler } from './push-channel.js';
import { relayInboxHandler } from './relay-inbox.js';
import { resyncHandler, resyncRunnerFor } from './resync.js';
import { reconciliationHandlers } from './run-reconciliation.js';
import type { JobHandlers } from './runtime.js';
import { syncEngineFor } from './sync-engine.js';

export function createJobHandlers(services: Services): JobHandlers {
  const sync = syncEngineFor(services);
  return {
    'inbox.relay': relayInboxHandler(services.inbox),
    'event.process': processEventHandler(sync.processor),
    'movement.post': postMovementHandler(sync.poster),
    'connection.import-catalog': importCatalogHandler(services.catalogImport),
    'channel.push': pushChannelHandler(channelPusherFor(services)),
    'connection.poll': pollChangesHandler(changePollerFor(services)),
    'sku.resync': resyncHandler(resyncRunnerFor(services, sync.recomputeSku)),
    ...reconciliationHandlers(services, {
      connectors: services.connectorFactory,
      recomputeSku: sync.recomputeSku,
      enqueuePush: services.enqueuePush,
    }),
  };
}
