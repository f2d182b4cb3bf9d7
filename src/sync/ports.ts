// What the decision core is given by its callers. The core never builds a queue or a connector
// itself: workers/processors.ts wires these to BullMQ and the connector factory.
import type { ErpConnector } from '../connectors/contract.js';

/** Asks the push side to bring one (SKU, channel, location) to its target (coalesced, batched). */
export type SchedulePush = (request: {
  connectionId: string;
  sku: string;
  externalLocationId: string;
  correlationId: string;
}) => Promise<void>;

/** Queues the ERP post of one movement (`movement.post`); idempotent per movement id. */
export type EnqueueMovementPost = (request: { movementId: string; correlationId: string }) => Promise<void>;

/** The ERP connector of a stored ERP connection. */
export type ErpConnectorFor = (erpConnectionId: string) => Promise<ErpConnector>;

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Timing knobs of the decision core (config: ECHO_WINDOW_MS, MANUAL_EDIT_SETTLE_MS, SKU_LOCK_TTL_MS). */
export type SyncTiming = {
  /** A store report equal to our last push within this long after it is our own write coming back. */
  echoWindowMs: number;
  /**
   * A store quantity nothing explains is judged only once the event is this old: the order that
   * explains it (Shopify sends inventory_levels/update and orders/create in no fixed order) has
   * usually arrived by then, so a store's own sale is never mistaken for a manual edit.
   */
  manualEditSettleMs: number;
  /** How long a job waits for a busy SKU lock before handing the job back to the queue. */
  lockWaitMs: number;
};

export const DEFAULT_SYNC_TIMING: SyncTiming = { echoWindowMs: 600_000, manualEditSettleMs: 10_000, lockWaitMs: 2_000 };
