// The other companies' side of the reconcile bench: ONE simulator per process (BENCH_SIM = erp |
// shopify | woocommerce), so a busy one (Shopify writing a bulk-operation file) never stalls the
// others and the bench's peak RSS is stockbridge's alone. Each seeds its system with the catalog
// and stockbridge's database with what a catalog import and a synced engine would have left there.
// IPC with the bench: "ready" once seeded, then it answers "stats", "verify" and "close".
import pg from 'pg';
import { startErpSimulator } from '../../src/simulators/erp/start-erp-simulator.js';
import { startShopifySimulator } from '../../src/simulators/shopify/server.js';
import { startWooCommerceSimulator } from '../../src/simulators/woocommerce/woocommerce-simulator.js';

export type SimName = 'erp' | 'shopify' | 'woocommerce';
/** What the bench needs to build the connection: its settings and its (plain) credentials. */
export type Ready = { sim: SimName; settings: Record<string, unknown>; credentials: Record<string, unknown> };
export type SimStats = {
  calls: number;
  throttled: number;
  operations: Record<string, number>;
  writes?: { calls: number; seconds: number; budgetUse: number };
};
type Sim = { ready: Ready; stats: () => SimStats; wrong: () => number; close: () => Promise<void> };

const SKUS = Number(process.env.BENCH_SKUS ?? 100_000);
const DRIFT = Number(process.env.BENCH_DRIFT ?? 1);
const CONNECTION_ID = process.env.BENCH_CONNECTION_ID ?? '';
const ERP_CONNECTION_ID = process.env.BENCH_ERP_CONNECTION_ID ?? '';
const DOMAIN = 'bench.myshopify.com';
const RESTORE_RATE = 100; // Shopify standard plan, points per second
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();

const indexes = Array.from({ length: SKUS }, (_, i) => i);
const skuOf = (i: number) => `SKU-${String(i).padStart(6, '0')}`;
const onHandOf = (i: number) => 5 + (i % 50);
const reservedOf = (i: number) => (i % 3 === 0 ? 1 : 0);
const targetOf = (i: number) => onHandOf(i) - reservedOf(i);
const costOf = (i: number) => `${(i % 100) + 1}.${String(i % 100).padStart(2, '0')}`;
/** Deterministic: which SKUs a store shows wrong, and how (+ oversell risk, − lost sales). */
const drifted = (i: number, salt: number) => ((i * 2_654_435_761 + salt) >>> 0) / 2 ** 32 < DRIFT;
const shownOf = (i: number, salt: number) => (drifted(i, salt) ? Math.max(0, targetOf(i) + (i % 2 === 0 ? 1 + (i % 3) : -2)) : targetOf(i));

function operationCounts(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

async function withDatabase(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 1 });
  const client = await pool.connect();
  try {
    await work(client);
  } finally {
    client.release();
    await pool.end();
  }
}

async function insertRows(client: pg.PoolClient, sql: string, columns: unknown[][]): Promise<void> {
  for (let start = 0; start < (columns[0]?.length ?? 0); start += 10_000)
    await client.query(
      sql,
      columns.map((column) => column.slice(start, start + 10_000)),
    );
}

/** The store's connection, its one location mapped to WH1, its listings, and sync states the engine believes in sync. */
async function seedChannelRows(
  client: pg.PoolClient,
  input: {
    kind: string;
    settings: object;
    location: string;
    listings: { sku: string; product: string; variant: string; item: string | null }[];
  },
) {
  await client.query(
    `insert into connections (id, kind, name, settings, credentials, credentials_key_id, updated_at) values ($1, $2, $3, $4, '\\x00', 'pending', now())`,
    [CONNECTION_ID, input.kind, `Bench ${input.kind}`, input.settings],
  );
  await client.query(
    `insert into location_mappings (id, connection_id, external_location_id, warehouse_codes, updated_at) values (gen_random_uuid(), $1, $2, '{WH1}', now())`,
    [CONNECTION_ID, input.location],
  );
  await insertRows(
    client,
    `insert into listings (id, connection_id, sku, external_product_id, external_variant_id, external_inventory_item_id, updated_at)
      select gen_random_uuid(), '${CONNECTION_ID}', s, p, v, i, now() from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as t(s, p, v, i)`,
    [
      input.listings.map((row) => row.sku),
      input.listings.map((row) => row.product),
      input.listings.map((row) => row.variant),
      input.listings.map((row) => row.item),
    ],
  );
  await insertRows(
    client,
    `insert into sync_states (sku, connection_id, external_location_id, target, last_seen, last_seen_at, status, updated_at)
      select s, '${CONNECTION_ID}', '${input.location}', t, t, '${HOUR_AGO}', 'in_sync', '${HOUR_AGO}' from unnest($1::text[], $2::int[]) as x(s, t)`,
    [indexes.map(skuOf), indexes.map(targetOf)],
  );
}

async function startErp(): Promise<Sim> {
  const apiKey = 'bench-erp-key';
  const erp = await startErpSimulator({ apiKey });
  erp.control.seed({
    warehouses: [{ code: 'WH1', name: 'Main warehouse' }],
    items: indexes.map((i) => ({
      sku: skuOf(i),
      unitCost: costOf(i),
      stock: [{ warehouse: 'WH1', onHand: onHandOf(i), reserved: reservedOf(i) }],
    })),
  });
  const settings = { erpType: 'generic-rest', baseUrl: erp.url, warehouses: ['WH1'] };
  await withDatabase(async (client) => {
    await client.query(
      `insert into connections (id, kind, name, erp_type, settings, credentials, credentials_key_id, updated_at) values ($1, 'erp', 'Bench ERP', 'generic-rest', $2, '\\x00', 'pending', now())`,
      [ERP_CONNECTION_ID, settings],
    );
    await insertRows(
      client,
      `insert into skus (sku, unit_cost, updated_at) select s, c, now() from unnest($1::text[], $2::numeric[]) as t(s, c)`,
      [indexes.map(skuOf), indexes.map(costOf)],
    );
    await insertRows(
      client,
      `insert into stock_snapshots (connection_id, sku, warehouse, on_hand, reserved, available, source_updated_at)
        select '${ERP_CONNECTION_ID}', s, 'WH1', h, r, h - r, '${HOUR_AGO}' from unnest($1::text[], $2::int[], $3::int[]) as t(s, h, r)`,
      [indexes.map(skuOf), indexes.map(onHandOf), indexes.map(reservedOf)],
    );
  });
  const baseline = erp.control.calls().length;
  const calls = () => erp.control.calls().slice(baseline);
  return {
    ready: { sim: 'erp', settings, credentials: { apiKey } },
    stats: () => ({
      calls: calls().length,
      throttled: calls().filter((call) => call.status === 429).length,
      operations: operationCounts(calls().map((call) => `${call.method} ${call.path.split('?')[0]}`)),
    }),
    wrong: () => 0,
    close: () => erp.close(),
  };
}

async function startShopify(): Promise<Sim> {
  const accessToken = 'shpat_bench';
  const shopify = await startShopifySimulator({
    webhookSecret: 'bench',
    plan: 'standard',
    shops: [{ domain: DOMAIN, accessToken }],
    callLogLimit: 200_000,
  });
  const products = Array.from({ length: Math.ceil(SKUS / 5) }, (_, p) => ({
    title: `Product ${p}`,
    variants: Array.from({ length: Math.min(5, SKUS - p * 5) }, (_, v) => ({
      sku: skuOf(p * 5 + v),
      levels: { Main: shownOf(p * 5 + v, 1) },
    })),
  }));
  const seeded = shopify.control.seed(DOMAIN, { locations: [{ name: 'Main' }], products });
  const settings = { shopDomain: DOMAIN, baseUrl: shopify.shopUrl(DOMAIN) };
  const listings = seeded.variants.map((v) => ({ sku: v.sku, product: v.productId, variant: v.variantId, item: v.inventoryItemId }));
  await withDatabase((client) => seedChannelRows(client, { kind: 'shopify', settings, location: seeded.locations[0]?.id ?? '', listings }));
  shopify.control.clearCalls();
  return {
    ready: { sim: 'shopify', settings, credentials: { kind: 'static', accessToken, webhookSecret: 'bench' } },
    stats: () => shopifyStats(shopify.control.calls()),
    wrong: () => shopify.control.levels(DOMAIN).filter((level) => level.available !== targetOf(Number(level.sku.slice(4)))).length,
    close: () => shopify.close(),
  };
}

type ShopifyCall = { at: string; operation: string | null; outcome: string; actualCost: number | null; availableBefore: number | null };

/** Budget use while writing: points spent in the write window over the points Shopify made available in it (bucket + restore). */
function shopifyStats(calls: ShopifyCall[]): SimStats {
  const writes = calls.filter((call) => call.operation === 'SetQuantities');
  const first = writes[0];
  const last = writes.at(-1);
  const seconds = first && last ? (Date.parse(last.at) - Date.parse(first.at)) / 1000 : 0;
  const spent = calls
    .filter((call) => first && last && call.at >= first.at && call.at <= last.at)
    .reduce((sum, call) => sum + (call.actualCost ?? 0), 0);
  const available = (first?.availableBefore ?? 0) + RESTORE_RATE * seconds;
  return {
    calls: calls.length,
    throttled: calls.filter((call) => call.outcome === 'throttled' || call.outcome === 'injected_429').length,
    operations: operationCounts(calls.map((call) => call.operation ?? 'unknown')),
    writes: { calls: writes.length, seconds, budgetUse: available > 0 ? spent / available : 0 },
  };
}

async function startWoo(): Promise<Sim> {
  const [consumerKey, consumerSecret] = ['ck_bench', 'cs_bench'];
  const woo = await startWooCommerceSimulator({
    consumerKey,
    consumerSecret,
    catalog: indexes.map((i) => ({ id: i + 1, name: `Product ${i}`, sku: skuOf(i), manageStock: true, stockQuantity: shownOf(i, 7) })),
  });
  const settings = { siteUrl: woo.url };
  const listings = indexes.map((i) => ({ sku: skuOf(i), product: String(i + 1), variant: String(i + 1), item: null }));
  await withDatabase((client) => seedChannelRows(client, { kind: 'woocommerce', settings, location: 'default', listings }));
  woo.control.clearCalls();
  const calls = () => woo.control.calls();
  return {
    ready: { sim: 'woocommerce', settings, credentials: { consumerKey, consumerSecret, webhookSecret: 'bench' } },
    stats: () => ({
      calls: calls().length,
      throttled: calls().filter((call) => call.status === 429).length,
      operations: operationCounts(calls().map((call) => `${call.method} ${call.endpoint.replace(/\d+/g, ':id')}`)),
    }),
    wrong: () => indexes.filter((i) => woo.control.item({ id: i + 1 }).stockQuantity !== targetOf(i)).length,
    close: () => woo.close(),
  };
}

const starters: Record<SimName, () => Promise<Sim>> = { erp: startErp, shopify: startShopify, woocommerce: startWoo };
const sim = await starters[(process.env.BENCH_SIM ?? 'erp') as SimName]();
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', stats: sim.stats() });
  if (message.type === 'verify') process.send?.({ type: 'verify', wrong: sim.wrong() });
  if (message.type === 'close') {
    await sim.close();
    process.exit(0);
  }
});
process.send?.({ type: 'ready', ready: sim.ready });
