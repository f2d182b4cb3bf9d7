// npm run demo: everything on local defaults. PostgreSQL and Redis (the default ones, else private
// throwaway instances), the database created and migrated, the three simulators seeded with a
// catalog, API and workers, the stores connected, then a steady trickle of orders, cancellations,
// refunds and ERP receipts. Prints where to look and how to sign in. Ctrl-C stops all of it.
import { loadConfig } from '../config/config.js';
import { clearDemoLeftovers } from './demo-database.js';
import { loadDemoOptions } from './demo-options.js';
import { MissingServiceError } from './local-services.js';
import { type Stack, startStack } from './stack.js';
import { startTrickle, type Trickle } from './trickle.js';

const ADMIN_EMAIL = 'admin@demo.example';
/**
 * One Ctrl-C reaches this process more than once: from the terminal (the whole process group) and
 * again relayed by npm and by tsx. Repeats this close together are the same keypress; a later one
 * means "stop waiting" and exits at once.
 */
const SAME_KEYPRESS_MS = 1_500;

const say = (line = '') => process.stdout.write(`${line}\n`);

// The demo's log goes to the console among its own lines: warnings only, unless asked for more.
const env = { LOG_LEVEL: 'warn', ...process.env };
const demo = loadDemoOptions(env);
const config = loadConfig(env);
const controller = new AbortController();
let running: { stack: Stack; trickle: Trickle } | null = null;
let firstSignalAt: number | null = null;

async function stopRunning(current: { stack: Stack; trickle: Trickle }): Promise<never> {
  current.trickle.stop();
  try {
    await current.stack.stop();
    say('stopped: simulators, API, workers and their connections are closed.');
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

function onSignal(signal: NodeJS.Signals) {
  if (firstSignalAt !== null) {
    if (Date.now() - firstSignalAt < SAME_KEYPRESS_MS) return;
    process.stderr.write(`${signal} again: exiting without waiting\n`);
    process.exit(1);
  }
  firstSignalAt = Date.now();
  say(`\n${signal}: stopping the demo…`);
  controller.abort(new Error('stopped by the user'));
  if (running) void stopRunning(running);
  // Still starting: startStack notices the abort, stops what it started, and the code below exits.
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

function banner(stack: Stack) {
  const sku = stack.catalog.hotSkus[0] ?? stack.catalog.skus[0] ?? '';
  const url = stack.apiUrl;
  const { erp, shopify, woocommerce } = stack.simulators;
  say();
  say(`stockbridge demo is running: ${stack.catalog.skus.length} SKUs on an ERP, a Shopify store (2 locations) and a WooCommerce store`);
  say();
  say(`  Admin UI               ${url}/ui/`);
  say(`  Sign in as             ${stack.admin.email}  password: ${stack.admin.password}   (shown once, new on every run)`);
  say(`  API token (admin)      ${stack.token}`);
  say(`  Try                    curl -s -H "Authorization: Bearer ${stack.token}" ${url}/api/v1/skus/${sku}`);
  say(`  ERP simulator          ${erp.url}`);
  say(`  Shopify simulator      ${shopify.url}  (shop ${[...shopify.state.shops.keys()].join(', ')})`);
  say(`  WooCommerce simulator  ${woocommerce.url}`);
  say();
  say(
    `Watch: about ${demo.actionsPerSecond} orders, cancellations, refunds and ERP receipts per second hit the bestsellers; open ` +
      `${url}/ui/skus/${encodeURIComponent(sku)} and see a sale on one store lower the other store within a second.`,
  );
  say('A first full resync is now bringing every store location to its target; on a big catalog that takes a minute or so.');
  say('Ctrl-C stops everything.');
}

try {
  say(`stockbridge demo: starting (${demo.skus} SKUs, seed ${demo.seed})`);
  const stack = await startStack({
    env,
    port: config.port,
    catalog: { skus: demo.skus, seed: demo.seed },
    admin: { email: ADMIN_EMAIL },
    signal: controller.signal,
    waitForSync: false,
    progress: (step) => say(`  · ${step}…`),
    beforeStart: async (context) => {
      const leftovers = await clearDemoLeftovers({ ...context, adminEmail: ADMIN_EMAIL });
      if (leftovers.outcome === 'cleared') say('  · cleared the previous demo run from the database');
    },
  });
  const trickle = startTrickle({
    simulators: stack.simulators,
    skus: stack.catalog.hotSkus,
    seed: demo.seed,
    actionsPerSecond: demo.actionsPerSecond,
    onError: (error) => process.stderr.write(`demo order stream: ${error.message}\n`),
  });
  running = { stack, trickle };
  if (controller.signal.aborted) await stopRunning(running);
  banner(stack);
} catch (error) {
  if (controller.signal.aborted) {
    say('stopped before the demo was ready; everything it had started is closed.');
    process.exit(0);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`\nThe demo could not start: ${message}\n`);
  if (!(error instanceof MissingServiceError)) process.stderr.write('(LOG_LEVEL=info npm run demo shows every step.)\n');
  process.exit(1);
}
