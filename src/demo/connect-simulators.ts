// Connects the simulated ERP and stores the way a merchant would, through POST /api/v1/connections
// (which tests them, stores credentials encrypted, registers store webhooks and queues a catalog
// import), with each Shopify location mapped to its warehouse; points the ERP's stock webhook at us;
// waits for the catalog imports, then resyncs everything once and waits until every store location
// shows its target (a few store quantities are seeded drifted, so this first resync heals them).
import type { PrismaClient } from '../db/client.js';
import type { ApiClient } from './api-client.js';
import { SHOPIFY_LOCATIONS } from './catalog.js';
import { SHOP_DOMAIN, type Simulators } from './simulators.js';

/** The demo's connections carry these names; demo-database.ts recognises leftovers by them. */
export const DEMO_CONNECTION_NAMES = { erp: 'Demo ERP', shopify: 'Demo Shopify', woocommerce: 'Demo WooCommerce' } as const;

export type ConnectionIds = { erp: string; shopify: string; woocommerce: string };
/** The connections, and the first full resync (its id is also its correlation id). */
export type Connected = ConnectionIds & { resyncId: string };

type Created = { id: string };

export type ConnectDeps = {
  api: ApiClient;
  prisma: PrismaClient;
  simulators: Simulators;
  publicUrl: string;
  skuCount: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Wait until every store location shows its target (else return once the resync is queued). */
  waitForSync: boolean;
  progress: (step: string) => void;
};

export async function connectSimulators(deps: ConnectDeps): Promise<Connected> {
  const { api, simulators } = deps;
  const { credentials } = simulators;
  const wait = { timeoutMs: deps.timeoutMs, ...(deps.signal ? { signal: deps.signal } : {}) };
  deps.progress('connecting the ERP, the Shopify store and the WooCommerce store');
  const erp = await api.request<Created>('POST', '/api/v1/connections', {
    kind: 'erp',
    erpType: 'generic-rest',
    name: DEMO_CONNECTION_NAMES.erp,
    baseUrl: simulators.erp.url,
    apiKey: credentials.erp.apiKey,
    webhookSecret: credentials.erp.webhookSecret,
  });
  // An in-house ERP is told where to send stock changes by its own admin, not by our API.
  simulators.erp.control.configureWebhook({ url: `${deps.publicUrl}/webhooks/erp/${erp.id}`, secret: credentials.erp.webhookSecret });
  const shopify = await api.request<Created>('POST', '/api/v1/connections', {
    kind: 'shopify',
    name: DEMO_CONNECTION_NAMES.shopify,
    shopDomain: SHOP_DOMAIN,
    accessToken: credentials.shopify.accessToken,
    webhookSecret: credentials.shopify.webhookSecret,
    baseUrl: simulators.shopify.shopUrl(SHOP_DOMAIN),
    // Each shop sells from its own warehouse.
    locations: SHOPIFY_LOCATIONS.map((location) => {
      const externalLocationId = simulators.shopifyLocations.get(location.name);
      if (!externalLocationId) throw new Error(`the Shopify simulator has no location "${location.name}"`);
      return { externalLocationId, name: location.name, warehouseCodes: [location.warehouse] };
    }),
  });
  // No locations given: the store's one location is mapped to nothing, which means every warehouse.
  const woocommerce = await api.request<Created>('POST', '/api/v1/connections', {
    kind: 'woocommerce',
    name: DEMO_CONNECTION_NAMES.woocommerce,
    siteUrl: simulators.woocommerce.url,
    consumerKey: credentials.woocommerce.consumerKey,
    consumerSecret: credentials.woocommerce.consumerSecret,
    webhookSecret: credentials.woocommerce.webhookSecret,
  });
  const ids: ConnectionIds = { erp: erp.id, shopify: shopify.id, woocommerce: woocommerce.id };

  deps.progress('importing the catalogs');
  await waitForCatalogImports(deps.prisma, Object.values(ids), wait);

  const resync = await api.request<{ resyncId: string }>('POST', '/api/v1/resyncs', {});
  if (!deps.waitForSync) return { ...ids, resyncId: resync.resyncId };
  deps.progress('bringing every store location to its target');
  await waitForSettled(deps.prisma, {
    resyncId: resync.resyncId,
    storeIds: [ids.shopify, ids.woocommerce],
    expectedSlots: deps.skuCount * (SHOPIFY_LOCATIONS.length + 1),
    ...wait,
  });
  return { ...ids, resyncId: resync.resyncId };
}

type WaitOptions = { timeoutMs: number; signal?: AbortSignal };

/** Sleeps between polls; rejects at once when the caller gives up (Ctrl-C during start-up). */
const pause = (ms: number, signal: AbortSignal | undefined) => {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
};

export async function waitForCatalogImports(
  prisma: PrismaClient,
  connectionIds: string[],
  { timeoutMs, signal }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const imported = await prisma.auditEntry.findMany({
      where: { action: 'catalog.imported', connectionId: { in: connectionIds } },
      select: { connectionId: true },
    });
    if (new Set(imported.map((row) => row.connectionId)).size === connectionIds.length) return;
    const failed = await prisma.deadLetter.findFirst({
      where: { jobName: 'connection.import-catalog', connectionId: { in: connectionIds } },
    });
    if (failed) throw new Error(`catalog import of connection ${failed.connectionId} failed: ${failed.errorCode} ${failed.errorMessage}`);
    if (Date.now() > deadline) throw new Error(`catalog imports did not finish within ${timeoutMs} ms`);
    await pause(200, signal);
  }
}

/** Until the resync is done and every store location shows its target. */
export async function waitForSettled(
  prisma: PrismaClient,
  input: WaitOptions & { resyncId: string; storeIds: string[]; expectedSlots: number },
): Promise<void> {
  const deadline = Date.now() + input.timeoutMs;
  let summary = '';
  for (;;) {
    const resynced = (await prisma.auditEntry.count({ where: { action: 'resync.completed', entityId: input.resyncId } })) > 0;
    const byStatus = await prisma.syncState.groupBy({ by: ['status'], where: { connectionId: { in: input.storeIds } }, _count: true });
    const counts = Object.fromEntries(byStatus.map((row) => [row.status, row._count]));
    if (resynced && counts.in_sync === input.expectedSlots && byStatus.length === 1) return;
    summary = `resyncs done: ${resynced}; slots by status: ${JSON.stringify(counts)} (expected ${input.expectedSlots} in_sync)`;
    if (Date.now() > deadline) {
      const errors = await prisma.syncState.findMany({
        where: { connectionId: { in: input.storeIds }, status: { not: 'in_sync' } },
        select: { sku: true, status: true, lastError: true },
        take: 5,
      });
      throw new Error(`stores did not settle within ${input.timeoutMs} ms: ${summary}; e.g. ${JSON.stringify(errors)}`);
    }
    await pause(250, input.signal);
  }
}
