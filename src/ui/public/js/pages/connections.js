// Connections: every store and ERP with its state at a glance.
import { ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { DataTable } from '../components/table.js';
import { describeTest, ERP_LABELS, formatAgo, KIND_LABELS } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { useCan } from '../lib/session.js';

export function TestResult({ test, when }) {
  const words = describeTest(test);
  return html`<span class=${`test-result ${words.ok ? 'ok' : test ? 'bad' : 'none'}`}>
    <span aria-hidden="true">${words.ok ? '✓' : test ? '✕' : '○'}</span>
    <span><strong>${words.headline}</strong>${words.detail ? html`<span class="muted"> — ${words.detail}</span>` : null}
    ${when ? html`<span class="muted"> (${formatAgo(when)})</span>` : null}</span>
  </span>`;
}

export function ConnectionsPage() {
  const can = useCan();
  const state = useApi('/api/v1/connections');
  const columns = [
    { key: 'name', label: 'Name', render: (c) => html`<${Link} href=${`/connections/${c.id}`}>${c.name}</${Link}>` },
    { key: 'kind', label: 'Kind', text: (c) => (c.kind === 'erp' ? `ERP · ${ERP_LABELS[c.erpType] ?? c.erpType}` : KIND_LABELS[c.kind]) },
    {
      key: 'status',
      label: 'State',
      text: (c) => `${c.status}${c.paused ? ' paused' : ''}`,
      render: (c) => html`<${StatusBadge} status=${c.status} />${c.paused ? html` <${StatusBadge} status="paused" />` : null}`,
    },
    { key: 'address', label: 'Address', text: (c) => c.settings?.shopDomain ?? c.settings?.siteUrl ?? c.settings?.baseUrl ?? '' },
    {
      key: 'test',
      label: 'Last test',
      text: (c) => describeTest(c.lastTestResult).headline,
      render: (c) => html`<${TestResult} test=${c.lastTestResult} when=${c.lastTestedAt} />`,
    },
    { key: 'webhooks', label: 'Webhooks', numeric: true },
  ];
  return html`<section>
    <${PageHeader}
      title="Connections"
      subtitle="Stores and the ERP that stockbridge keeps in step."
      actions=${can('POST /api/v1/connections') ? html`<${Link} class="button button-primary" href="/connections/new">Connect a store or ERP</${Link}>` : null}
    />
    <${ErrorNotice} error=${state.data ? state.error : null} />
    <${Loading} state=${state}>
      ${(data) => html`<${DataTable}
        caption="Connections"
        columns=${columns}
        rows=${data.connections}
        filterable=${data.connections.length > 5}
        emptyTitle="No connections yet"
        emptyText=${can('POST /api/v1/connections') ? 'Connect your ERP first, then each store.' : 'An admin connects the ERP and the stores.'}
      />`}
    </${Loading}>
  </section>`;
}
