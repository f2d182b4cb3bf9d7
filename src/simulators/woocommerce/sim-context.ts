// What the simulator's route modules share.

import type { WooStore } from './store.js';
import type { WebhookDispatcher } from './webhook-delivery.js';

export type SimContext = {
  store: WooStore;
  dispatcher: WebhookDispatcher;
  /** The site's home URL (X-WC-Webhook-Source, permalinks). */
  siteUrl: () => string;
  /** woocommerce_rest_batch_items_limit (100 by default). */
  batchLimit: number;
};
