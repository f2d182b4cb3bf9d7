// Webhook ingestion under load: autocannon (50 connections, 30 s) sends signed ~6 KB Shopify
// orders/create deliveries, each a distinct event, to the API running as its own process
// (`tsx src/main.ts --api`), with PostgreSQL and Redis local. A bare Fastify route answering 200 to the
// same requests is measured in the same run as the machine's ceiling. Afterwards every 2xx must be
// one stored, enqueued row with one job. CPU time per process says where the time went.
//   npm run bench -- webhooks [--duration=30] [--connections=50]
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createCredentialsCipher } from '../src/crypto/credentials-cipher.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createScratchDatabase, databaseUrlWithName, dropDatabase } from '../src/db/scratch-database.js';
import type { BenchContext, BenchReport } from './main.js';
import { cpuDelta, cpuSecondsOf, freePort, ROOT, startProcess, stopProcess, waitUntilReady } from './support/processes.js';

type Histogram = { p50: number; p99: number; average: number; max: number };
type AutocannonResult = { latency: Histogram; '2xx': number; non2xx: number; errors: number; timeouts: number; duration: number };
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-app-secret-key';
const SHOP = 'bench-shop.myshopify.com';

function option(args: string[], name: string, fallback: number): number {
  const value = args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
}

/** A realistic orders/create body (~6 KB): ids above 2^53, non-ASCII text, escaped slashes. */
function orderTemplate(): string {
  const lineItems = Array.from({ length: 8 }, (_, i) => ({
    id: `@LINE${i}@`,
    variant_id: 808950810 + i,
    product_id: 632910392,
    sku: `SKU-${1000 + i}-Grün`,
    title: 'Wanderschuh „Alpin“ – wasserdicht',
    variant_title: `EU ${38 + i} / schwarz`,
    vendor: 'Bergwerk GmbH',
    quantity: 1 + (i % 3),
    fulfillable_quantity: 1 + (i % 3),
    fulfillment_status: null,
    price: '129.90',
    total_discount: '0.00',
    requires_shipping: true,
    taxable: true,
    properties: [{ name: 'Gravur', value: 'Für Anna ✓' }],
    tax_lines: [{ price: '20.74', rate: 0.19, title: 'MwSt' }],
  }));
  const address = { first_name: 'Jörg', last_name: 'Müller', address1: 'Hauptstraße 1', city: 'München', zip: '80331', country_code: 'DE' };
  const order = {
    id: '@ID@',
    admin_graphql_api_id: 'gid://shopify/Order/@GID@',
    name: '#1001',
    email: 'kunde@example.com',
    created_at: '2026-04-01T12:00:00+02:00',
    updated_at: '2026-04-01T12:00:00+02:00',
    cancelled_at: null,
    financial_status: 'paid',
    fulfillment_status: null,
    currency: 'EUR',
    total_price: '1039.20',
    note: 'Bitte an der Hintertür abstellen – danke!',
    tags: 'wholesale, repeat',
    line_items: lineItems,
    shipping_address: address,
    billing_address: address,
    customer: { id: '@CUSTOMER@', email: 'kunde@example.com', first_name: 'Jörg', last_name: 'Müller', orders_count: 3 },
  };
  return JSON.stringify(order)
    .replaceAll('/', '\\/') // Shopify escapes slashes
    .replace('"@ID@"', '@ID@')
    .replace('"@CUSTOMER@"', '115310627314723954')
    .replace(/"@LINE(\d)@"/g, '@LINE$1@');
}

let sequence = 0n; // shared by every generator: no two requests of a run carry the same event

/**
 * Signed requests, each a distinct event (its own X-Shopify-Event-Id). The bodies, 256 orders with
 * their own ids (> 2^53), are built and signed up front, so the load generator, which shares the two
 * cores with everything else, spends its time sending rather than hashing. With `acknowledged`,
 * the event key of every 2xx answer is recorded, to prove afterwards that each one was stored.
 */
function signedRequests(path: string, acknowledged?: Set<string>) {
  const template = orderTemplate();
  const bodies = Array.from({ length: 256 }, (_, n) => {
    const id = String(820982911946154508n + BigInt(n));
    const body = template
      .replace('@ID@', id)
      .replace('@GID@', id)
      .replace(/@LINE(\d)@/g, (_, i) => `${id.slice(0, -1)}${i}`);
    return { body, signature: createHmac('sha256', SECRET).update(body).digest('base64') };
  });
  const triggeredAt = new Date().toISOString();
  type Context = { eventKey?: string };
  const setupRequest = (request: { body?: string; headers?: Record<string, string> }, context: Context = {}) => {
    const n = sequence++;
    const { body, signature } = bodies[Number(n % 256n)] as { body: string; signature: string };
    context.eventKey = `event:${n}-e:orders/create`;
    request.body = body;
    request.headers = {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2026-04',
      'x-shopify-webhook-id': `wh-${n}`,
      'x-shopify-event-id': `${n}-e`,
      'x-shopify-triggered-at': triggeredAt,
      'x-shopify-hmac-sha256': signature,
    };
    return { ...request, method: 'POST', path };
  };
  const onResponse = (status: number, _body: string, context: Context) => {
    if (status >= 200 && status < 300 && context.eventKey) acknowledged?.add(context.eventKey);
  };
  return { setupRequest, onResponse };
}

const BARE_SERVER = `
  import Fastify from 'fastify';
  const app = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/webhooks/shopify/:id', async () => ({ outcome: 'accepted' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log('listening on ' + app.server.address().port);`;

export async function run({ args, log }: BenchContext): Promise<BenchReport> {
  const duration = option(args, 'duration', 30);
  const connections = option(args, 'connections', 50);
  const ceilingDuration = option(args, 'ceiling-duration', Math.min(duration, 10));
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const key = randomBytes(32);
  const name = await createScratchDatabase(SERVER, { prefix: 'sbbench' });
  const databaseUrl = databaseUrlWithName(SERVER, name);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const children: ChildProcess[] = [];
  try {
    log(`database ${name}: migrating`);
    await applyMigrations(databaseUrl);
    const cipher = createCredentialsCipher({ key, keyId: 'bench' });
    const credentials = cipher.encrypt({ kind: 'static', accessToken: 'shpat_bench', webhookSecret: SECRET });
    const { rows } = await pool.query<{ id: string }>(
      `insert into connections (id, kind, name, settings, credentials, credentials_key_id, updated_at)
       values ($1, 'shopify', 'bench', $2, $3, $4, now()) returning id`,
      [randomUUID(), JSON.stringify({ shopDomain: SHOP }), Buffer.from(credentials.ciphertext), credentials.keyId],
    );
    const connectionId = rows[0]?.id ?? '';
    const path = `/webhooks/shopify/${connectionId}`;

    log(`ceiling: bare Fastify route, ${ceilingDuration} s`);
    const bare = await startProcess(['--input-type=module', '-e', BARE_SERVER], {});
    children.push(bare.child);
    const ceiling = await autocannon({
      url: `http://127.0.0.1:${bare.port}`,
      connections,
      duration: ceilingDuration,
      requests: [signedRequests(path)],
    });
    await stopProcess(bare.child);

    log('starting the API (tsx src/main.ts --api)');
    const port = await freePort();
    const api = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--api'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        ENCRYPTION_KEY: key.toString('base64'),
        ENCRYPTION_KEY_ID: 'bench',
        LOG_LEVEL: 'warn',
      },
    });
    children.push(api);
    await waitUntilReady(port);
    await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: 2, requests: [signedRequests(path)] });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the warm-up's last rows land
    await pool.query('delete from inbox_events');
    await redis.del(...(await redis.keys(`${prefix}:*`)), `${prefix}:none`);

    log(`load: ${connections} connections, ${duration} s`);
    const isApi = (_comm: string, pid: number) => pid === api.pid;
    const isPostgres = (comm: string) => comm === 'postgres';
    const isRedis = (comm: string) => comm.startsWith('redis-server');
    const acknowledged = new Set<string>();
    const before = { api: cpuSecondsOf(isApi), pg: cpuSecondsOf(isPostgres), redis: cpuSecondsOf(isRedis), bench: process.cpuUsage() };
    const load = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration,
      requests: [signedRequests(path, acknowledged)],
    });
    const benchCpu = process.cpuUsage(before.bench);
    const cpu = {
      apiSeconds: cpuDelta(before.api, cpuSecondsOf(isApi)),
      postgresSeconds: cpuDelta(before.pg, cpuSecondsOf(isPostgres)),
      redisSeconds: cpuDelta(before.redis, cpuSecondsOf(isRedis)),
      loadGeneratorSeconds: (benchCpu.user + benchCpu.system) / 1e6,
    };

    log(`sent ${load['2xx']} 2xx; waiting for every stored row to be enqueued`);
    const count = async (where: string) => Number((await pool.query(`select count(*) from inbox_events ${where}`)).rows[0].count);
    for (let i = 0; i < 300 && (await count(`where status = 'received'`)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const metricsText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const metric = (metricName: string) => Number(new RegExp(`^${metricName} ([\\d.e+]+)`, 'm').exec(metricsText)?.[1] ?? Number.NaN);
    const avgBatchRows = metric('stockbridge_inbox_insert_batch_rows_sum') / metric('stockbridge_inbox_insert_batch_rows_count');
    await stopProcess(api);

    const queue = new Queue('events', { connection: redis, prefix });
    const jobs = await queue.count();
    await queue.close();
    const storedRows = await count('');
    const storedKeys = new Set(
      (await pool.query<{ dedupe_key: string }>('select dedupe_key from inbox_events')).rows.map((r) => r.dedupe_key),
    );
    const lost = [...acknowledged].filter((key) => !storedKeys.has(key)).length;
    const enqueuedRows = await count(`where status = 'enqueued'`);
    const seconds = load.duration;
    const acceptedPerSec = Math.round(load['2xx'] / seconds);
    const ceilingPerSec = Math.round(ceiling['2xx'] / ceiling.duration);
    const perRequestUs = (cpuSeconds: number) => Math.round((cpuSeconds / Math.max(1, load['2xx'])) * 1e6);
    const results = {
      acceptedPerSec,
      p50Ms: load.latency.p50,
      p99Ms: load.latency.p99,
      maxMs: load.latency.max,
      ceilingPerSec,
      ceilingP99Ms: ceiling.latency.p99,
      ratioToCeiling: Number((acceptedPerSec / ceilingPerSec).toFixed(3)),
      sent2xx: load['2xx'],
      non2xx: load.non2xx,
      errors: load.errors,
      timeouts: load.timeouts,
      storedRows,
      enqueuedRows,
      jobsInQueue: jobs,
      // 2xx answers whose event is not in the inbox: must be 0.
      lost,
      // Stored, but autocannon stopped before reading the answer (at most one per connection).
      inFlightAtStop: storedRows - acknowledged.size,
      avgInsertBatchRows: Number(avgBatchRows.toFixed(1)),
      bodyBytes: Buffer.byteLength(signedRequests(path).setupRequest({}).body ?? ''),
      durationS: seconds,
      connections,
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(v.toFixed(1))])),
      cpuMicrosPerRequest: {
        api: perRequestUs(cpu.apiSeconds),
        postgres: perRequestUs(cpu.postgresSeconds),
        redis: perRequestUs(cpu.redisSeconds),
        loadGenerator: perRequestUs(cpu.loadGeneratorSeconds),
      },
      machine: { cpus: os.cpus().length, node: process.version },
    };
    return {
      results,
      table: [
        ['accepted/s', acceptedPerSec],
        ['p50 / p99 latency (ms)', `${results.p50Ms} / ${results.p99Ms}`],
        ['ceiling (bare route) req/s', ceilingPerSec],
        ['ratio to ceiling', results.ratioToCeiling],
        ['2xx sent / rows stored', `${results.sent2xx} / ${storedRows} (in flight at stop: ${results.inFlightAtStop})`],
        ['2xx answered but not stored (lost)', lost],
        ['rows enqueued / jobs', `${enqueuedRows} / ${jobs}`],
        ['non-2xx / errors', `${results.non2xx} / ${results.errors}`],
        ['avg rows per INSERT', results.avgInsertBatchRows],
        ['CPU µs/request api · pg · redis · loadgen', Object.values(results.cpuMicrosPerRequest).join(' · ')],
      ],
    };
  } finally {
    for (const child of children) await stopProcess(child).catch(() => {});
    await redis.del(...(await redis.keys(`${prefix}:*`)), `${prefix}:none`).catch(() => {});
    redis.disconnect();
    await pool.end();
    await dropDatabase(SERVER, name).catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
  }
}
