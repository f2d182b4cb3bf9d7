// The accountants' views: movement ledger, audit trail, totals per channel and discrepancies over
// time, all filtered by period, SKU and channel, each exportable as CSV with the same filters.
import { useState } from 'preact/hooks';
import { Loading, PageHeader } from '../components/feedback.js';
import { Field, SelectField } from '../components/forms.js';
import { CsvLink, DataTable, LoadMore } from '../components/table.js';
import { Tabs } from '../components/tabs.js';
import { api, withQuery } from '../lib/api.js';
import { formatDate, formatMoney, formatNumber, humanize } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, setQuery, useRoute } from '../lib/router.js';
import { useCan } from '../lib/session.js';
import { DiscrepancyCharts } from './report-charts.js';

/** The UI's inclusive end date → the API's exclusive `to` (the next midnight, UTC). */
function apiFilter(filter) {
  const nextDay = (day) => (day ? new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : undefined);
  return {
    from: filter.from || undefined,
    to: nextDay(filter.to),
    sku: filter.sku || undefined,
    connectionId: filter.connectionId || undefined,
  };
}

function PagedReport({ name, caption, columns, filter, rowKey }) {
  const query = apiFilter(filter);
  const state = useApi(`/api/v1/reports/${name}`, { ...query, limit: 100 });
  const [older, setOlder] = useState({ items: [], nextCursor: undefined });
  const more = useAction(async () => {
    const page = await api.get(`/api/v1/reports/${name}`, { ...query, limit: 100, cursor: older.nextCursor ?? state.data?.nextCursor });
    setOlder({ items: [...older.items, ...page.items], nextCursor: page.nextCursor });
  });
  return html`<div>
    <div class="card-header"><h2>${caption}</h2><${CsvLink} href=${withQuery(`/api/v1/reports/${name}.csv`, query)}>Download CSV</${CsvLink}></div>
    <${Loading} state=${state}>
      ${(
        data,
      ) => html`<${DataTable} caption=${caption} columns=${columns} rows=${[...data.items, ...older.items]} rowKey=${rowKey} filterable
          emptyTitle="Nothing in this period" />
        <${LoadMore} nextCursor=${older.nextCursor === undefined ? data.nextCursor : older.nextCursor} busy=${more.busy} onMore=${() => more.run()} />`}
    </${Loading}>
  </div>`;
}

const skuLink = (row) => (row.sku ? html`<${Link} href=${`/skus/${encodeURIComponent(row.sku)}`}>${row.sku}</${Link}>` : '—');

const LEDGER_COLUMNS = [
  { key: 'occurredAt', label: 'When', text: (m) => formatDate(m.occurredAt) },
  { key: 'sku', label: 'SKU', render: skuLink, text: (m) => m.sku },
  { key: 'connectionName', label: 'Channel' },
  { key: 'kind', label: 'Kind', text: (m) => humanize(m.kind) },
  { key: 'quantity', label: 'Quantity', numeric: true, text: (m) => formatNumber(m.quantity) },
  { key: 'status', label: 'Status', text: (m) => humanize(m.status) },
  { key: 'sourceRef', label: 'Source' },
  { key: 'erpReference', label: 'ERP reference' },
];

const AUDIT_COLUMNS = [
  { key: 'at', label: 'When', text: (a) => formatDate(a.at) },
  { key: 'actor', label: 'Who' },
  { key: 'action', label: 'What', render: (a) => html`<code>${a.action}</code>`, text: (a) => a.action },
  { key: 'sku', label: 'SKU', render: skuLink, text: (a) => a.sku ?? '' },
  {
    key: 'change',
    label: 'Change',
    text: (a) => `${a.before ? JSON.stringify(a.before) : ''} → ${a.after ? JSON.stringify(a.after) : ''}`,
  },
  { key: 'note', label: 'Note' },
  {
    key: 'correlationId',
    label: 'Correlation',
    render: (a) => (a.correlationId ? html`<code>${a.correlationId.slice(0, 8)}</code>` : '—'),
  },
];

function ChannelTotals({ filter }) {
  const query = apiFilter(filter);
  const state = useApi('/api/v1/reports/channel-totals', query);
  const columns = [
    { key: 'name', label: 'Channel' },
    { key: 'kind', label: 'Kind' },
    { key: 'movements', label: 'Movements', numeric: true, text: (t) => formatNumber(t.movements) },
    { key: 'unitsSold', label: 'Units sold', numeric: true, text: (t) => formatNumber(t.unitsSold) },
    { key: 'unitsReleased', label: 'Released', numeric: true, text: (t) => formatNumber(t.unitsReleased) },
    { key: 'unitsAdjusted', label: 'Adjusted', numeric: true, text: (t) => formatNumber(t.unitsAdjusted) },
    { key: 'netQuantity', label: 'Net units', numeric: true, text: (t) => formatNumber(t.netQuantity) },
    { key: 'discrepancies', label: 'Open discrepancies', numeric: true, text: (t) => formatNumber(t.discrepancies) },
    { key: 'valueNet', label: 'Net value', numeric: true, text: (t) => formatMoney(t.valueNet) },
  ];
  return html`<div>
    <div class="card-header"><h2>Totals per channel</h2><${CsvLink} href=${withQuery('/api/v1/reports/channel-totals.csv', query)}>Download CSV</${CsvLink}></div>
    <${Loading} state=${state}>${(data) => html`<${DataTable} caption="Totals per channel" columns=${columns} rows=${data.items} rowKey=${(t) => t.connectionId} />`}</${Loading}>
  </div>`;
}

export function ReportsPage() {
  const can = useCan();
  const { query } = useRoute();
  const filter = {
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    sku: query.get('sku') ?? '',
    connectionId: query.get('connectionId') ?? '',
  };
  const tab = query.get('tab') ?? 'movements';
  const connections = useApi(can('GET /api/v1/connections') ? '/api/v1/connections' : null);
  const tabs = [
    { value: 'movements', label: 'Movement ledger' },
    { value: 'audit', label: 'Audit trail' },
    { value: 'totals', label: 'Totals per channel' },
    { value: 'discrepancies', label: 'Discrepancies over time' },
  ];
  const set = (field) => (value) => setQuery({ [field]: value });
  const badRange = filter.from && filter.to && filter.from > filter.to;
  return html`<section>
    <${PageHeader} title="Ledger & audit" subtitle="Every stock movement and every change, for any period, with CSV for your spreadsheet." />
    <form class="card filters grid-4" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="From" name="from" type="date" value=${filter.from} onValue=${set('from')} />
      <${Field} label="To (inclusive)" name="to" type="date" value=${filter.to} onValue=${set('to')} error=${badRange ? 'The end is before the start.' : ''} />
      <${Field} label="SKU" name="sku" type="search" value=${filter.sku} onValue=${set('sku')} />
      <${SelectField} label="Channel" name="connectionId" value=${filter.connectionId} onValue=${set('connectionId')}
        options=${[{ value: '', label: 'Every channel' }, ...(connections.data?.connections ?? []).map((c) => ({ value: c.id, label: c.name }))]} />
    </form>
    <${Tabs} label="Reports" tabs=${tabs} active=${tab} onChange=${(value) => setQuery({ tab: value })}>
      ${badRange ? html`<p class="field-error">Fix the period to see the report.</p>` : null}
      ${
        !badRange && tab === 'movements'
          ? html`<${PagedReport} key=${JSON.stringify(filter)} name="movements" caption="Movement ledger" columns=${LEDGER_COLUMNS} filter=${filter} rowKey=${(m) => m.id} />`
          : null
      }
      ${
        !badRange && tab === 'audit'
          ? html`<${PagedReport} key=${JSON.stringify(filter)} name="audit" caption="Audit trail" columns=${AUDIT_COLUMNS} filter=${filter} rowKey=${(a) => a.id} />`
          : null
      }
      ${!badRange && tab === 'totals' ? html`<${ChannelTotals} filter=${filter} />` : null}
      ${!badRange && tab === 'discrepancies' ? html`<${DiscrepancyCharts} filter=${apiFilter(filter)} />` : null}
    </${Tabs}>
  </section>`;
}
