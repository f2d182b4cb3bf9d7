// The admin UI in a real browser: sign-in, the role-aware navigation, the connect form's inline
// validation, the pages each role works in, and screenshots of them for the README.
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { PERMISSIONS } from '../../src/auth/permissions.js';
import { buildServer } from '../../src/http/server.js';
import { createTestUser, type TestUser } from '../auth/sign-in.js';
import { dbTest } from '../helpers/fixtures.js';
import { hasChromium, launchChromium, navigationItems, screenshot, signInAs, watchProblems } from './browser.js';
import { type DemoData, seedDemoData } from './seed-demo-data.js';

if (!hasChromium) console.warn('admin UI browser tests skipped: /usr/bin/chromium is absent (apt-get install -y chromium)');

let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let users: Record<'admin' | 'support' | 'accountant', TestUser>;
let demo: DemoData;

async function pageFor(width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  return { page, problems: watchProblems(page) };
}

const test = dbTest;

test.describe.skipIf(!hasChromium)('admin UI in chromium', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('signing in shows the overview; the session cookie is invisible to scripts', async ({ services }) => {
    app = await buildServer(services);
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    users = {
      admin: await createTestUser(services.users, 'admin'),
      support: await createTestUser(services.users, 'support'),
      accountant: await createTestUser(services.users, 'accountant'),
    };
    demo = await seedDemoData(services);

    const { page, problems } = await pageFor();
    await page.goto(`${baseUrl}/ui/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'login');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByLabel('Email').fill(users.admin.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong email or password');

    await signInAs(page, baseUrl, users.admin);
    expect(await page.evaluate(() => document.cookie)).not.toContain('sb_session');
    if (app.hasRoute({ method: 'GET', url: '/api/v1/connections' })) await page.getByRole('link', { name: 'EU Shopify' }).waitFor();
    await page.getByRole('heading', { name: 'Latest reconciliation' }).waitFor();
    await screenshot(page, 'overview');
    await page.goto(`${baseUrl}/ui/catalog?connectionId=${demo.wooId}`);
    await page.getByRole('cell', { name: 'Gift card' }).waitFor();
    const count = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value').textContent();
    expect(await count('Duplicate SKU')).toBe('2');
    expect(await count('Blank SKU')).toBe('1');
    expect(await count('Unknown to the ERP')).toBe('1');
    await screenshot(page, 'catalog-health');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the navigation shows each role exactly the pages the permission table lets it use', async () => {
    // Each menu entry and the API call its page is built on (src/ui/public/js/pages/index.js).
    const MENU: [string, string | null][] = [
      ['Overview', null],
      ['Connections', 'GET /api/v1/connections'],
      ['Catalog health', 'GET /api/v1/connections/:id/catalog'],
      ['SKUs', 'GET /api/v1/skus/:sku'],
      ['Resync', 'POST /api/v1/resyncs'],
      ['Dead letters', 'GET /api/v1/dead-letters'],
      ['Events', 'GET /api/v1/events'],
      ['Reconciliations', 'GET /api/v1/reconciliations'],
      ['Ledger & audit', 'GET /api/v1/reports/movements'],
      ['API tokens', 'GET /api/v1/tokens'],
      ['Users', 'GET /api/v1/users'],
    ];
    for (const role of ['admin', 'support', 'accountant'] as const) {
      const { page } = await pageFor();
      await signInAs(page, baseUrl, users[role]);
      const items = (await navigationItems(page)).filter((item) => !item.startsWith('API docs'));
      const allowed = MENU.filter(([, key]) => key === null || PERMISSIONS[key]?.includes(role)).map(([label]) => label);
      expect(items, role).toEqual(allowed);
      // A page outside the role is not reachable by typing its address either.
      await page.goto(`${baseUrl}/ui/users`);
      const heading = page.getByRole('heading', { level: 1 });
      await expect.poll(() => heading.textContent()).toBe(role === 'admin' ? 'Users' : 'Page not found');
      await page.close();
    }
  });

  test('the connect form validates inline, moves focus to the first problem and sends nothing until it is right', async () => {
    const { page, problems } = await pageFor();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/api/v1/connections')) posts.push(request.url());
    });
    await signInAs(page, baseUrl, users.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('link', { name: 'Connect a store or ERP' }).click();
    await page.getByRole('heading', { name: 'Connect a store or ERP' }).waitFor();

    await page.getByRole('button', { name: 'Test and connect' }).click();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await page.getByLabel('Shop domain').fill('shop.example.com');
    await expect.poll(() => page.getByText('Must look like your-shop.myshopify.com').count()).toBe(1);
    await page.getByLabel('Safety buffer (units)').fill('-3');
    await expect.poll(() => page.getByText('A whole number of units, 0 or more.').count()).toBe(1);
    await screenshot(page, 'connection-form-validation');

    await page.getByLabel('Shop domain').fill('eu-shop.myshopify.com');
    await expect.poll(() => page.getByText('Must look like your-shop.myshopify.com').count()).toBe(0);
    await page.getByText('WooCommerce store').click();
    await expect.poll(() => page.getByLabel('Consumer key').count()).toBe(1);
    await page.getByLabel('Store address').fill('not a url');
    await expect.poll(() => page.getByText('Enter a full address such as https://shop.example.com.').count()).toBe(1);
    expect(posts).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('support resyncs a SKU and watches its job, replays a dead letter, reads events; screenshots of each', async ({ database }) => {
    const { page, problems } = await pageFor();
    await signInAs(page, baseUrl, users.support);
    await page.goto(`${baseUrl}/ui/skus/${demo.sku}`);
    await page.getByRole('heading', { level: 1, name: demo.sku }).waitFor();
    await page.getByRole('heading', { name: 'Stories by correlation id' }).waitFor();
    await screenshot(page, 'sku-page');
    await page.getByRole('button', { name: 'Resync this SKU' }).click();
    await page.getByRole('heading', { name: `Resync of SKU ${demo.sku}` }).waitFor();
    // The job is on the queue (a worker, when one runs, takes it from there): its state is shown.
    await page.getByText(/Job (waiting|active|completed)/).waitFor();
    expect(await database.prisma.auditEntry.count({ where: { action: 'resync.requested', sku: demo.sku } })).toBe(1);

    await page.goto(`${baseUrl}/ui/dead-letters`);
    await page.getByText('inventory item is not stocked at the location').waitFor();
    await screenshot(page, 'dead-letters');
    await page.getByRole('button', { name: /^Replay dead letter channel.push MUG-BLUE/ }).click();
    await page.getByText('Replayed 1 of 1').waitFor();
    await page.getByText('No open dead letters').waitFor();
    expect(await database.prisma.deadLetter.findUniqueOrThrow({ where: { id: demo.deadLetterId } })).toMatchObject({
      status: 'replayed',
      replayCount: 1,
    });

    await page.goto(`${baseUrl}/ui/events`);
    await page.getByText('inventory_levels/update').waitFor();
    await screenshot(page, 'events');
    await page.goto(`${baseUrl}/ui/resyncs`);
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    await screenshot(page, 'resync');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('an accountant opens a reconciliation, its CSV, and the ledger with charts', async () => {
    const { page, problems } = await pageFor();
    await signInAs(page, baseUrl, users.accountant);
    await page.goto(`${baseUrl}/ui/reconciliations`);
    await page.getByRole('table', { name: 'Reconciliation runs' }).waitFor();
    await screenshot(page, 'reconciliations');
    await page.goto(`${baseUrl}/ui/reconciliations/${demo.runId}`);
    await page.getByRole('heading', { name: 'Discrepancies' }).waitFor();
    await page.getByRole('cell', { name: demo.sku }).waitFor();
    await screenshot(page, 'reconciliation-run');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await download.path().then((file) => import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')));
    expect(csv.split('\n')[0]).toMatch(/sku/);
    expect(csv).toContain(demo.sku);

    await page.goto(`${baseUrl}/ui/reports?tab=discrepancies`);
    await page.getByText('Discrepancies found per day').waitFor();
    await screenshot(page, 'reports-charts');
    await page.getByRole('tab', { name: 'Movement ledger' }).click();
    await page.getByRole('cell', { name: 'order:1042:line:1' }).waitFor();
    await screenshot(page, 'ledger');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('at tablet width the menu folds behind a button that opens it', async () => {
    const { page, problems } = await pageFor(768);
    await signInAs(page, baseUrl, users.admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await nav.isVisible()).toBe(true);
    await screenshot(page, 'overview-tablet');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('signing out returns to the sign-in page and the old session is gone', async () => {
    const { page } = await pageFor();
    await signInAs(page, baseUrl, users.admin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(status).toBe(401);
    await page.close();
  });
});
