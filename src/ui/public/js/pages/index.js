// Every screen, its path and the API permission it needs (a role without it never sees the page).
import { PageHeader } from '../components/feedback.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { CatalogPage } from './catalog.js';
import { ConnectionDetailPage } from './connection-detail.js';
import { NewConnectionPage } from './connection-new.js';
import { ConnectionsPage } from './connections.js';
import { DashboardPage } from './dashboard.js';
import { DeadLettersPage } from './dead-letters.js';
import { EventsPage } from './events.js';
import { ReconciliationDetailPage } from './reconciliation-detail.js';
import { ReconciliationsPage } from './reconciliations.js';
import { ReportsPage } from './reports.js';
import { ResyncsPage } from './resyncs.js';
import { SkuDetailPage } from './sku-detail.js';
import { SkusPage } from './skus.js';
import { TokensPage } from './tokens.js';
import { UsersPage } from './users.js';

/** `nav` puts a page in the menu, under its group, in this order. */
export const PAGES = [
  { path: '/', component: DashboardPage, nav: { label: 'Overview' } },
  {
    path: '/connections',
    component: ConnectionsPage,
    needs: 'GET /api/v1/connections',
    nav: { group: 'Stores & ERP', label: 'Connections' },
  },
  { path: '/connections/new', component: NewConnectionPage, needs: 'POST /api/v1/connections' },
  { path: '/connections/:id', component: ConnectionDetailPage, needs: 'GET /api/v1/connections/:id' },
  {
    path: '/catalog',
    component: CatalogPage,
    needs: 'GET /api/v1/connections/:id/catalog',
    nav: { group: 'Stores & ERP', label: 'Catalog health' },
  },
  { path: '/skus', component: SkusPage, needs: 'GET /api/v1/skus/:sku', nav: { group: 'Support', label: 'SKUs' } },
  { path: '/skus/:sku', component: SkuDetailPage, needs: 'GET /api/v1/skus/:sku' },
  { path: '/resyncs', component: ResyncsPage, needs: 'POST /api/v1/resyncs', nav: { group: 'Support', label: 'Resync' } },
  {
    path: '/dead-letters',
    component: DeadLettersPage,
    needs: 'GET /api/v1/dead-letters',
    nav: { group: 'Support', label: 'Dead letters' },
  },
  { path: '/events', component: EventsPage, needs: 'GET /api/v1/events', nav: { group: 'Support', label: 'Events' } },
  {
    path: '/reconciliations',
    component: ReconciliationsPage,
    needs: 'GET /api/v1/reconciliations',
    nav: { group: 'Accounting', label: 'Reconciliations' },
  },
  { path: '/reconciliations/:id', component: ReconciliationDetailPage, needs: 'GET /api/v1/reconciliations/:id' },
  {
    path: '/reports',
    component: ReportsPage,
    needs: 'GET /api/v1/reports/movements',
    nav: { group: 'Accounting', label: 'Ledger & audit' },
  },
  { path: '/tokens', component: TokensPage, needs: 'GET /api/v1/tokens', nav: { group: 'Admin', label: 'API tokens' } },
  { path: '/users', component: UsersPage, needs: 'GET /api/v1/users', nav: { group: 'Admin', label: 'Users' } },
];

/** The menu: groups in first-seen order, each with its pages. */
export const NAV = PAGES.filter((page) => page.nav).reduce((groups, page) => {
  const title = page.nav.group ?? '';
  let group = groups.find((g) => g.title === title);
  if (!group) {
    group = { title, items: [] };
    groups.push(group);
  }
  group.items.push({ href: page.path, label: page.nav.label, needs: page.needs });
  return groups;
}, []);

export function NotFoundPage() {
  return html`<section>
    <${PageHeader} title="Page not found" subtitle="This page does not exist, or your role cannot open it." />
    <p><${Link} href="/">Back to the overview</${Link}></p>
  </section>`;
}
