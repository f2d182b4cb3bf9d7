// Reconciliation at catalog scale: 100,000 SKUs in the ERP, one Shopify store (standard plan:
// 2,000-point bucket, 100 points/s) and one WooCommerce store, all simulators, with a share of
// each store's levels wrong (--drift, default all of them). One run with heal: true reads every
// source, compares, and has the sync engine push every target; the bench times it until the stores
// show their targets, and reports the worker process's peak RSS (it, the bench and each simulator
// run in processes of their own),
// API calls, throttled answers and how much of Shopify's rate budget the heal writes used.
//   npm run bench -- reconcile [--skus=100000] [--drift=1] [--heap-mb=256]
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServices, type Services } from '../src/app/services.js';
import { loadConfig } from '../src/config/config.js';
import { createScratchDatabase, databaseUrlWithName, dropDatabase } from '../src/db/scratch-database.js';
import type { SourceProgress } from '../src/reconciliation/run-store.js';
import type { BenchContext, BenchReport } from './main.js';
import type { Ready, SimName, SimStats } from './reconcile/simulators.js';
import type { WorkerMemory } from './reconcile/worker.js';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function option(args: string[], name: string, fallback: number): number {
  const value = args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string } & Record<string, unknown>) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child process exited (${code}) before answering ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (type !== 'ready') child.send({ type });
  });
}

type SimProcess = { name: SimName; id: string; child: ChildProcess };

function startSimulator(name: SimName, env: Record<string, string>): SimProcess {
  const id = name === 'erp' ? env.BENCH_ERP_CONNECTION_ID : randomUUID();
  const child = fork(new URL('./reconcile/simulators.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_SIM: name, BENCH_CONNECTION_ID: id ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return { name, id: id ?? '', child };
}

/** The connections as an admin would have saved them: settings plus encrypted credentials. */
async function storeCredentials(services: Services, sims: SimProcess[], ready: Ready[]): Promise<void> {
  for (const sim of sims) {
    const credentials = ready.find((entry) => entry.sim === sim.name)?.credentials ?? {};
    const encrypted = services.cipher.encrypt(credentials);
    await services.prisma.connection.update({
      where: { id: sim.id },
      data: { credentials: encrypted.ciphertext, credentialsKeyId: encrypted.keyId },
    });
  }
}

/** The worker process (bench/reconcile/worker.ts), with the heap a 512 MB container would give it. */
function startWorker(env: Record<string, string>, heapMb: number): ChildProcess {
  return fork(new URL('./reconcile/worker.ts', import.meta.url).pathname, [], {
    execArgv: [`--max-old-space-size=${heapMb}`, '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function measure(services: Services, context: BenchContext) {
  const started = Date.now();
  const run = await services.reconciliations.start({ scope: {}, heal: true, requestedBy: 'bench', correlationId: 'bench-reconcile' });
  if (run.outcome !== 'started') throw new Error(`run not started: ${run.outcome}`);
  let last = '';
  await waitUntil(
    async () => {
      const current = await services.prisma.reconciliationRun.findUniqueOrThrow({ where: { id: run.id } });
      const phase = `${current.status}/${(current.progress as { phase?: string }).phase}`;
      if (phase !== last) context.log(`${phase} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      last = phase;
      if (current.status === 'failed') throw new Error(`run failed: ${current.error}`);
      return current.status === 'completed';
    },
    30 * 60_000,
    'the run',
  );
  const reconciled = Date.now();
  await waitUntil(
    async () =>
      (await services.prisma.syncState.count({ where: { status: 'pending' } })) === 0 &&
      (await services.queues.get('pushes').getJobCountByTypes('active', 'waiting', 'delayed')) === 0,
    30 * 60_000,
    'the heal pushes',
  );
  const done = await services.prisma.reconciliationRun.findUniqueOrThrow({ where: { id: run.id } });
  const sources = Object.values((done.progress as { sources?: Record<string, SourceProgress> }).sources ?? {});
  const readSeconds = Object.fromEntries(
    sources.map((source) => [source.kind, (Date.parse(source.readFinishedAt ?? '') - Date.parse(source.readStartedAt ?? '')) / 1000]),
  );
  return {
    started,
    reconciled,
    healed: Date.now(),
    readSeconds,
    discrepancies: (done.totals as { discrepancies?: number }).discrepancies ?? 0,
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function report(input: {
  skus: number;
  drift: number;
  heapMb: number;
  timing: Awaited<ReturnType<typeof measure>>;
  peakRssMb: number;
  stats: Map<SimName, SimStats>;
  wrong: Map<SimName, number>;
}): BenchReport {
  const { timing, stats } = input;
  const shopify = stats.get('shopify')?.writes ?? { calls: 0, seconds: 0, budgetUse: 0 };
  const calls = Object.fromEntries([...stats].map(([name, entry]) => [name, entry.calls]));
  const results = {
    skus: input.skus,
    drift: input.drift,
    wallSeconds: (timing.healed - timing.started) / 1000,
    reconcileSeconds: (timing.reconciled - timing.started) / 1000,
    healPushesAfterRunSeconds: (timing.healed - timing.reconciled) / 1000,
    readSecondsBySource: timing.readSeconds,
    workerHeapLimitMb: input.heapMb,
    peakRssMb: Math.round(input.peakRssMb),
    apiCalls: sum([...stats.values()].map((entry) => entry.calls)),
    apiCallsBySystem: calls,
    apiCallsByOperation: Object.fromEntries([...stats].map(([name, entry]) => [name, entry.operations])),
    throttled: sum([...stats.values()].map((entry) => entry.throttled)),
    shopifyBudgetUse: Number(shopify.budgetUse.toFixed(3)),
    shopifyWriteCalls: shopify.calls,
    shopifyWriteSeconds: shopify.seconds,
    discrepancies: timing.discrepancies,
    levelsWrongAfterHeal: Object.fromEntries(input.wrong),
  };
  return {
    results,
    table: [
      ['SKUs × sources', `${input.skus} × (ERP + Shopify + WooCommerce), drift ${input.drift}`],
      ['wall time (s)', results.wallSeconds.toFixed(1)],
      ['  run (read, compare, heal requests)', results.reconcileSeconds.toFixed(1)],
      ['  heal pushes finishing after it', results.healPushesAfterRunSeconds.toFixed(1)],
      [
        '  reads (ERP/Shopify/Woo, in parallel)',
        ['erp', 'shopify', 'woocommerce'].map((kind) => timing.readSeconds[kind]?.toFixed(1)).join(' / '),
      ],
      ['worker peak RSS (MB)', `${results.peakRssMb} (heap limit ${input.heapMb} MB)`],
      ['API calls (ERP/Shopify/Woo)', `${results.apiCalls} (${calls.erp}/${calls.shopify}/${calls.woocommerce})`],
      ['throttled responses', results.throttled],
      ['discrepancies found', results.discrepancies],
      [
        'Shopify budget use while writing',
        `${(results.shopifyBudgetUse * 100).toFixed(1)} % over ${shopify.seconds.toFixed(1)} s (${shopify.calls} writes)`,
      ],
      ['levels still wrong (Shopify/Woo)', `${input.wrong.get('shopify')}/${input.wrong.get('woocommerce')}`],
    ],
  };
}

export async function run(context: BenchContext): Promise<BenchReport> {
  const skus = option(context.args, 'skus', 100_000);
  const drift = option(context.args, 'drift', 1);
  const heapMb = option(context.args, 'heap-mb', 256);
  const name = await createScratchDatabase(SERVER, { prefix: 'sbbench' });
  const databaseUrl = databaseUrlWithName(SERVER, name);
  // Migrations in their own process: the schema engine (WebAssembly) stays out of every measured one.
  const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts', 'deploy'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  context.log(`seeding ${skus} SKUs (drift ${drift}) into the simulators and ${name}`);
  const env = {
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_SKUS: String(skus),
    BENCH_DRIFT: String(drift),
    BENCH_ERP_CONNECTION_ID: randomUUID(),
  };
  const erp = startSimulator('erp', env);
  const ready: Ready[] = [(await ask<{ ready: Ready }>(erp.child, 'ready')).ready];
  const stores = (['shopify', 'woocommerce'] as const).map((sim) => startSimulator(sim, env));
  const sims = [erp, ...stores];
  let services: Services | undefined;
  let worker: ChildProcess | undefined;
  try {
    for (const store of stores) ready.push((await ask<{ ready: Ready }>(store.child, 'ready')).ready);
    const settings = {
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `bench-${randomUUID()}`,
      LOG_LEVEL: 'warn',
      ALLOW_PRIVATE_ENDPOINTS: 'true',
    };
    services = await createServices(loadConfig({ ...process.env, ...settings }));
    await storeCredentials(services, sims, ready);
    worker = startWorker(settings, heapMb);
    await ask(worker, 'ready');
    context.log(`seeded; one run with heal: true (worker heap limit ${heapMb} MB)`);
    const timing = await measure(services, context);
    const { memory } = await ask<{ memory: WorkerMemory }>(worker, 'memory');
    const peakRssMb = memory.peakRssMb;
    const stats = new Map<SimName, SimStats>();
    const wrong = new Map<SimName, number>();
    for (const sim of sims) {
      stats.set(sim.name, (await ask<{ stats: SimStats }>(sim.child, 'stats')).stats);
      wrong.set(sim.name, (await ask<{ wrong: number }>(sim.child, 'verify')).wrong);
    }
    return report({ skus, drift, heapMb, timing, peakRssMb, stats, wrong });
  } finally {
    for (const child of [worker, ...sims.map((sim) => sim.child)]) {
      if (!child) continue;
      if (child.connected) child.send({ type: 'close' });
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    }
    if (services) {
      const keys = await services.redis.keys(`${services.config.queuePrefix}*`);
      if (keys.length > 0) await services.redis.del(...keys);
      await services.close();
    }
    await dropDatabase(SERVER, name);
  }
}
