// The demo's own knobs (read only by `npm run demo`, never by the service): catalog size, seed and
// how busy the simulated customers are. Everything else is the service's usual configuration.
import { z } from 'zod';

const DemoEnv = z.object({
  /** SKUs in the seeded catalog (the spec asks for at least 500 by default; tests use fewer). */
  DEMO_SKUS: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Seed of the catalog and of the order stream: the same seed shows the same story. */
  DEMO_SEED: z.coerce.number().int().min(0).default(42),
  /** Orders, cancellations, refunds and receipts per second; 0 starts none. */
  DEMO_RATE: z.coerce.number().min(0).max(200).default(3),
});

export type DemoOptions = { skus: number; seed: number; actionsPerSecond: number };

export function loadDemoOptions(env: NodeJS.ProcessEnv): DemoOptions {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('DEMO_') && value !== ''));
  const parsed = DemoEnv.safeParse(present);
  if (!parsed.success) {
    throw new Error(
      `Invalid demo settings:\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}`,
    );
  }
  return { skus: parsed.data.DEMO_SKUS, seed: parsed.data.DEMO_SEED, actionsPerSecond: parsed.data.DEMO_RATE };
}
