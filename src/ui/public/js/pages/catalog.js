// Catalog health per connection: blank, duplicate and unmapped SKUs, listings gone from the store,
// and ERP SKUs the store does not list. Counts first, then the rows behind each count.
import { ErrorNotice, Loading, PageHeader, Stat } from '../components/feedback.js';
import { SelectField } from '../components/forms.js';
import { DataTable } from '../components/table.js';
import { formatNumber, humanize } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, setQuery, useRoute } from '../lib/router.js';

const PROBLEMS = [
  { value: '', label: 'Every problem' },
  { value: 'blank_sku', label: 'Blank SKU' },
  { value: 'duplicate_sku', label: 'Duplicate SKU' },
  { value: 'unmapped', label: 'Unknown to the ERP' },
  { value: 'missing', label: 'ERP SKU not listed here' },
  { value: 'deleted', label: 'Deleted on the store' },
];

function Health({ connectionId, problem }) {
  const state = useApi(`/api/v1/connections/${connectionId}/catalog`, { problem, limit: 500 });
  const columns = [
    {
      key: 'sku',
      label: 'SKU',
      text: (r) => r.sku,
      render: (r) => (r.sku ? html`<${Link} href=${`/skus/${encodeURIComponent(r.sku)}`}>${r.sku}</${Link}>` : html`<em>blank</em>`),
    },
    { key: 'title', label: 'Product' },
    { key: 'problem', label: 'Problem', text: (r) => humanize(r.problem) },
    { key: 'externalVariantId', label: 'Store variant id' },
  ];
  return html`<${Loading} state=${state}>
    ${({ counts, rows }) => html`<div class="stats">
        <${Stat} label="Listings" value=${formatNumber(counts.listings)} hint=${`${formatNumber(counts.active)} active`} />
        <${Stat} label="Blank SKU" value=${formatNumber(counts.blankSku)} tone=${counts.blankSku ? 'bad' : 'good'} />
        <${Stat} label="Duplicate SKU" value=${formatNumber(counts.duplicateSku)} tone=${counts.duplicateSku ? 'bad' : 'good'} />
        <${Stat} label="Unknown to the ERP" value=${formatNumber(counts.unmapped)} tone=${counts.unmapped ? 'warn' : 'good'} />
        <${Stat} label="ERP SKUs not listed" value=${formatNumber(counts.missing)} tone=${counts.missing ? 'warn' : undefined} />
        <${Stat} label="Deleted on the store" value=${formatNumber(counts.deleted)} />
      </div>
      <${DataTable} caption="Listings with a problem" columns=${columns} rows=${rows} rowKey=${(r) => `${r.sku}|${r.externalVariantId ?? r.problem}`}
        filterable emptyTitle="No problems" emptyText="Every listing has one unique SKU the ERP knows." />
      ${rows.length === 500 ? html`<p class="hint">Showing the first 500 rows; narrow the problem filter to see others.</p>` : null}`}
  </${Loading}>`;
}

export function CatalogPage() {
  const { query } = useRoute();
  const connections = useApi('/api/v1/connections');
  const stores = (connections.data?.connections ?? []).filter((c) => c.kind !== 'erp');
  const connectionId = query.get('connectionId') ?? stores[0]?.id ?? '';
  const problem = query.get('problem') ?? '';
  return html`<section>
    <${PageHeader} title="Catalog health" subtitle="SKU is the join key: these listings cannot sync until their SKU is fixed in the store or the ERP." />
    <${ErrorNotice} error=${connections.error} />
    <div class="grid-3 filters card">
      <${SelectField} label="Store" name="connectionId" value=${connectionId} onValue=${(value) => setQuery({ connectionId: value })}
        options=${stores.length ? stores.map((c) => ({ value: c.id, label: c.name })) : [{ value: '', label: 'No stores connected' }]} />
      <${SelectField} label="Problem" name="problem" value=${problem} onValue=${(value) => setQuery({ problem: value })} options=${PROBLEMS} />
    </div>
    ${connectionId ? html`<${Health} key=${`${connectionId}|${problem}`} connectionId=${connectionId} problem=${problem} />` : null}
  </section>`;
}
