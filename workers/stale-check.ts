// sync.stale-check: count SKU/channel pairs out of sync past STALE_SKU_SLA_MS into the staleSkus
// gauge (src/reports/stale-skus.ts).
import type { JobHandler } from './runtime.js';

export function staleCheckHandler(check: () => Promise<{ stale: number }>): JobHandler<'sync.stale-check'> {
  return () => check();
}
