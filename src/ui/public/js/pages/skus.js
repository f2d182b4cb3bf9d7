// SKU search: go straight to a SKU's story, or pick one of the SKUs that are out of sync too long.
import { useState } from 'preact/hooks';
import { Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { Field, SubmitButton } from '../components/forms.js';
import { DataTable } from '../components/table.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, navigate } from '../lib/router.js';
import { useCan } from '../lib/session.js';

export function SkuSearch({ initial = '' }) {
  const [sku, setSku] = useState(initial);
  const [error, setError] = useState('');
  const submit = (event) => {
    event.preventDefault();
    if (!sku.trim()) {
      setError('Enter a SKU, exactly as the ERP and the stores spell it.');
      return;
    }
    navigate(`/skus/${encodeURIComponent(sku.trim())}`);
  };
  return html`<form class="card form inline-form" role="search" onSubmit=${submit} novalidate>
    <div class="grid-3">
      <${Field} label="SKU" name="sku" type="search" value=${sku} onValue=${setSku} error=${error} placeholder="e.g. TSHIRT-RED-M" />
      <div class="field field-submit"><${SubmitButton}>Show its story</${SubmitButton}></div>
    </div>
  </form>`;
}

function StaleSkus() {
  const state = useApi('/api/v1/reports/stale-skus', { limit: 50 });
  const columns = [
    {
      key: 'sku',
      label: 'SKU',
      text: (r) => r.sku,
      render: (r) => html`<${Link} href=${`/skus/${encodeURIComponent(r.sku)}`}>${r.sku}</${Link}>`,
    },
    { key: 'connectionName', label: 'Channel' },
    { key: 'externalLocationId', label: 'Location' },
    { key: 'status', label: 'State', render: (r) => html`<${StatusBadge} status=${r.status} />` },
    { key: 'target', label: 'Target', numeric: true, text: (r) => formatNumber(r.target) },
    { key: 'lastSeen', label: 'Channel shows', numeric: true, text: (r) => formatNumber(r.lastSeen) },
    { key: 'staleForSeconds', label: 'Out of sync for', numeric: true, text: (r) => formatDuration(r.staleForSeconds * 1000) },
    { key: 'lastError', label: 'Last error' },
  ];
  return html`<div>
    <h2>Out of sync past the SLA</h2>
    <${Loading} state=${state}>
      ${(data) => html`<${DataTable} caption="SKUs out of sync past the SLA" columns=${columns} rows=${data.items}
        rowKey=${(r) => `${r.sku}|${r.connectionId}|${r.externalLocationId}`} filterable
        emptyTitle="Everything is in sync" emptyText=${`No SKU has differed from its target for more than ${formatDuration(data.slaMs)}.`} />`}
    </${Loading}>
  </div>`;
}

export function SkusPage() {
  const can = useCan();
  return html`<section>
    <${PageHeader} title="SKUs" subtitle="A SKU’s whole story: webhook → job → API calls → result." />
    <${SkuSearch} />
    ${can('GET /api/v1/reports/stale-skus') ? html`<${StaleSkus} />` : null}
  </section>`;
}
