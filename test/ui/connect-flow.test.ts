// The whole admin flow in a browser against the simulators: connect a Shopify store and a
// WooCommerce store through the forms (a wrong secret first, answered in plain words), test a
// connection again from its page, start a resync of a store and see its job, then open a
// reconciliation and download its CSV.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { type ErpSimulator, startErpSimulator } from '../../src/simulators/erp/start-erp-simulator.js';
import { type ShopifySimulator, startShopifySimulator } from '../../src/simulators/shopify/server.js';
import { startWooCommerceSimulator, type WooSimulator } from '../../src/simulators/woocommerce/woocommerce-simulator.js';
import { createTestUser, type TestUser } from '../auth/sign-in.js';
import { dbTest as test } from '../helpers/fixtures.js';
import { hasChromium, launchChromium, screenshot, signInAs, watchProblems } from './browser.js';

const SHOP = 'ui-flow.myshopify.com';
const SHOP_TOKEN = 'shpat_ui_flow_static_token';
const WOO_KEY = 'ck_ui_flow_key';
const WOO_SECRET = 'cs_ui_flow_secret';

let app: FastifyInstance;
let browser: Browser;
let page: Page;
let problems: string[];
let baseUrl: string;
let admin: TestUser;
let shopify: ShopifySimulator;
let woo: WooSimulator;
let erp: ErpSimulator;

async function fill(label: string, value: string) {
  await page.getByRole('textbox', { name: label, exact: true }).fill(value);
}

test.describe.skipIf(!hasChromium)('connecting stores and working them from the UI', () => {
  beforeAll(async () => {
    shopify = await startShopifySimulator({ webhookSecret: 'whsec_ui_flow', shops: [{ domain: SHOP, accessToken: SHOP_TOKEN }] });
    shopify.control.seed(SHOP, {
      locations: [{ name: 'Berlin' }],
      products: [{ title: 'Mug', variants: [{ sku: 'MUG-1', levels: { '*': 5 } }] }],
    });
    woo = await startWooCommerceSimulator({ consumerKey: WOO_KEY, consumerSecret: WOO_SECRET });
    woo.control.seed([{ name: 'Mug', sku: 'MUG-1', manageStock: true, stockQuantity: 5 }]);
    erp = await startErpSimulator({ apiKey: 'erp-ui-flow-key' });
    erp.control.seed({
      warehouses: [
        { code: 'WH1', name: 'Main' },
        { code: 'WH2', name: 'Overflow' },
      ],
      items: [],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await shopify?.close();
    await woo?.close();
    await erp?.close();
  });

  test('an admin connects a Shopify store through the form and sees the platform’s answer', async ({ services }) => {
    app = await buildServer(services);
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watchProblems(page);
    admin = await createTestUser(services.users, 'admin');
    await signInAs(page, baseUrl, admin);

    await page.goto(`${baseUrl}/ui/connections/new`);
    await fill('Name', 'EU Shopify');
    await fill('Shop domain', SHOP);
    await fill('Admin API access token', SHOP_TOKEN);
    await fill('API secret key', 'whsec_ui_flow');
    await page.getByText('Advanced: API address override').click();
    await fill('API base URL', shopify.shopUrl(SHOP));
    await page.getByRole('button', { name: 'Test and connect' }).click();
    await page.getByText('Connected: EU Shopify').waitFor({ timeout: 15_000 });
    await screenshot(page, 'connected-shopify');
    const row = await services.prisma.connection.findFirstOrThrow({ where: { name: 'EU Shopify' } });
    expect(row).toMatchObject({ kind: 'shopify', status: 'active' });
    expect(JSON.stringify(row.settings)).not.toContain(SHOP_TOKEN);
  });

  test('a wrong WooCommerce secret is refused in plain words and saves nothing; the right one connects', async ({ services }) => {
    await page.goto(`${baseUrl}/ui/connections/new?kind=woocommerce`);
    await fill('Name', 'Outlet WooCommerce');
    await fill('Store address', woo.url);
    await fill('Consumer key', WOO_KEY);
    await fill('Consumer secret', 'cs_wrong_secret');
    await fill('Webhook secret', 'woo-ui-flow-webhook');
    await page.getByRole('button', { name: 'Test and connect' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Connection test failed' });
    await refusal.waitFor({ timeout: 15_000 });
    expect(await refusal.textContent()).toContain('refused the credentials');
    await screenshot(page, 'connection-test-failed');
    expect(await services.prisma.connection.count({ where: { name: 'Outlet WooCommerce' } })).toBe(0);

    await fill('Consumer secret', WOO_SECRET);
    await page.getByRole('button', { name: 'Test and connect' }).click();
    await page.getByText('Connected: Outlet WooCommerce').waitFor({ timeout: 15_000 });
    expect(woo.control.webhooks().length).toBeGreaterThanOrEqual(3);
  });

  test('the ERP connects too, and reports its warehouses', async ({ services }) => {
    await page.goto(`${baseUrl}/ui/connections/new`);
    await page.getByText('ERP', { exact: true }).click();
    await fill('Name', 'Main ERP');
    await fill('API address', erp.url);
    await fill('API key', 'erp-ui-flow-key');
    await page.getByRole('button', { name: 'Test and connect' }).click();
    await page.getByText('Connected: Main ERP').waitFor({ timeout: 15_000 });
    const row = await services.prisma.connection.findFirstOrThrow({ where: { name: 'Main ERP' } });
    expect(row.settings).toMatchObject({ warehouses: ['WH1', 'WH2'] });
  });

  test('the connections list shows all three; a store’s page tests it again and maps its location to a warehouse', async ({ services }) => {
    await page.goto(`${baseUrl}/ui/connections`);
    await page.getByRole('link', { name: 'Outlet WooCommerce' }).waitFor();
    await page.getByRole('link', { name: 'EU Shopify' }).waitFor();
    await screenshot(page, 'connections');
    await page.getByRole('link', { name: 'EU Shopify' }).click();
    await page.getByRole('heading', { level: 1, name: 'EU Shopify' }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('heading', { name: 'The platform answered' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('.test-answer').textContent()).toContain('Connected');
    await page.getByRole('group', { name: 'Warehouses for Berlin' }).getByLabel('WH1').check();
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Location mapping saved.').waitFor();
    await screenshot(page, 'connection-detail');
    const shop = await services.prisma.connection.findFirstOrThrow({ where: { name: 'EU Shopify' }, include: { locations: true } });
    expect(shop.locations.map((l) => [l.name, l.warehouseCodes])).toEqual([['Berlin', ['WH1']]]);
  });

  test('a resync of one store is started and its job followed', async ({ services }) => {
    const woo = await services.prisma.connection.findFirstOrThrow({ where: { name: 'Outlet WooCommerce' } });
    await page.goto(`${baseUrl}/ui/resyncs`);
    await page.getByLabel('Resync', { exact: true }).selectOption('connection');
    await page.getByLabel('Connection', { exact: true }).selectOption(woo.id);
    await page.getByRole('button', { name: 'Start resync' }).click();
    await page.getByRole('heading', { name: 'Resync of one connection' }).waitFor();
    await page.getByText(/Job (waiting|active|completed)/).waitFor();
    expect(await services.prisma.auditEntry.count({ where: { action: 'resync.requested', connectionId: woo.id } })).toBe(1);
  });

  test('a reconciliation opens and its CSV downloads', async ({ services }) => {
    const woo = await services.prisma.connection.findFirstOrThrow({ where: { name: 'Outlet WooCommerce' } });
    const run = await services.prisma.reconciliationRun.create({
      data: {
        status: 'completed',
        requestedBy: 'schedule',
        progress: { phase: 'done', sources: {} },
        totals: { discrepancies: 1, compared: 1, byChannel: [] },
      },
    });
    await services.prisma.discrepancy.create({
      data: {
        runId: run.id,
        sku: 'MUG-1',
        connectionId: woo.id,
        expected: 4,
        actual: 5,
        delta: 1,
        unitCost: '3.2000',
        value: '3.2000',
        classification: 'channel_high',
      },
    });
    await page.goto(`${baseUrl}/ui/reconciliations`);
    await page.getByRole('table', { name: 'Reconciliation runs' }).getByRole('link').first().click();
    await page.getByRole('cell', { name: 'MUG-1' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv).toContain('MUG-1');
    expect(csv).toContain('Outlet WooCommerce');
    expect(problems).toEqual([]);
  });
});
