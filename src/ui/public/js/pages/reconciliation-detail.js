// One run: progress per source while it runs; totals and the filterable discrepancy list after.
import { useState } from 'preact/hooks';
import { ErrorNotice, Loading, Notice, PageHeader, ProgressBar, Stat, StatusBadge } from '../components/feedback.js';
import { Field, SelectField } from '../components/forms.js';
import { CsvLink, DataTable, LoadMore } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatDate, formatDuration, formatMoney, formatNumber, humanize } from '../lib/format.js';
import { useAction, useApi, usePolling } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { isActive } from './reconciliations.js';

const CLASSES = ['channel_high', 'channel_low', 'missing_listing', 'unmapped'];
const CLASS_WORDS = {
  channel_high: 'Channel shows more than it should (oversell risk)',
  channel_low: 'Channel shows less than it could (lost sales)',
  missing_listing: 'Mapped SKU missing on the channel',
  unmapped: 'On the channel but unknown to the ERP',
};

function Progress({ run }) {
  return html`<div class="card" aria-live="polite">
    <h2>Progress</h2>
    <p>Phase: <strong>${run.phase}</strong>${run.resumedCount ? html` <span class="muted">(resumed ${run.resumedCount}×)</span>` : null}</p>
    ${(run.sources ?? []).map(
      (s) =>
        html`<${ProgressBar} label=${`${s.name} (${s.kind}): ${s.phase}, ${formatNumber(s.read)} read`} value=${s.compared} max=${s.total ?? 0} />`,
    )}
    ${run.sources?.length ? null : html`<p class="muted">Waiting for a worker to pick the run up…</p>`}
  </div>`;
}

function Discrepancies({ run }) {
  const [filter, setFilter] = useState({ classification: '', sku: '', connectionId: '' });
  const [extra, setExtra] = useState({ items: [], nextCursor: undefined });
  const query = { ...filter, limit: 100 };
  const state = useApi(`/api/v1/reconciliations/${run.id}/discrepancies`, query);
  const rows = [...(state.data?.items ?? []), ...extra.items];
  const set = (field) => (value) => {
    setExtra({ items: [], nextCursor: undefined });
    setFilter({ ...filter, [field]: value });
  };
  const more = useAction(async () => {
    const page = await api.get(`/api/v1/reconciliations/${run.id}/discrepancies`, {
      ...query,
      cursor: extra.nextCursor ?? state.data?.nextCursor,
    });
    setExtra({ items: [...extra.items, ...page.items], nextCursor: page.nextCursor });
  });
  const channels = run.totals?.byChannel ?? [];
  const columns = [
    {
      key: 'sku',
      label: 'SKU',
      render: (d) => html`<${Link} href=${`/skus/${encodeURIComponent(d.sku)}`}>${d.sku}</${Link}>`,
      text: (d) => d.sku,
    },
    { key: 'connectionName', label: 'Channel' },
    { key: 'externalLocationId', label: 'Location' },
    { key: 'classification', label: 'Kind', text: (d) => humanize(d.classification) },
    { key: 'expected', label: 'Expected', numeric: true, text: (d) => formatNumber(d.expected) },
    { key: 'actual', label: 'Channel shows', numeric: true, text: (d) => formatNumber(d.actual) },
    { key: 'delta', label: 'Difference', numeric: true, text: (d) => formatNumber(d.delta) },
    { key: 'unitCost', label: 'Unit cost', numeric: true, text: (d) => formatMoney(d.unitCost) },
    { key: 'value', label: 'Value', numeric: true, text: (d) => formatMoney(d.value) },
    { key: 'healed', label: 'Healed', text: (d) => (d.healed ? 'yes' : d.healError ? `failed: ${d.healError}` : 'no') },
  ];
  return html`<div class="card">
    <div class="card-header"><h2>Discrepancies</h2><${CsvLink} href=${`/api/v1/reconciliations/${run.id}/discrepancies.csv`}>Download CSV</${CsvLink}></div>
    <div class="grid-3 filters">
      <${SelectField} label="Kind" name="classification" value=${filter.classification} onValue=${set('classification')}
        options=${[{ value: '', label: 'All kinds' }, ...CLASSES.map((c) => ({ value: c, label: humanize(c) }))]} />
      <${SelectField} label="Channel" name="connectionId" value=${filter.connectionId} onValue=${set('connectionId')}
        options=${[{ value: '', label: 'All channels' }, ...channels.map((c) => ({ value: c.connectionId, label: c.name }))]} />
      <${Field} label="SKU" name="sku" type="search" value=${filter.sku} onValue=${set('sku')} />
    </div>
    <${ErrorNotice} error=${state.error} />
    <${Loading} state=${state}>
      ${() => html`<${DataTable} caption="Discrepancies of this run" columns=${columns} rows=${rows} rowKey=${(d) => d.id}
          emptyTitle="No discrepancies" emptyText="Every channel matched its target." />
        <${LoadMore} nextCursor=${extra.nextCursor === undefined ? state.data?.nextCursor : extra.nextCursor} busy=${more.busy} onMore=${() => more.run()} />`}
    </${Loading}>
  </div>`;
}

function Totals({ totals }) {
  return html`<div class="stats">
    <${Stat} label="Discrepancies" value=${formatNumber(totals.discrepancies)} tone=${totals.discrepancies ? 'warn' : 'good'} hint=${`of ${formatNumber(totals.compared)} compared`} />
    <${Stat} label="Over-shown value (oversell risk)" value=${formatMoney(totals.valueHigh)} />
    <${Stat} label="Under-shown value (lost sales)" value=${formatMoney(totals.valueLow)} />
    <${Stat} label="Net value" value=${formatMoney(totals.valueNet)} />
  </div>
  <div class="columns">
    <${DataTable} caption="By kind" rowKey=${(r) => r.kind} columns=${[
      { key: 'kind', label: 'Kind', text: (r) => CLASS_WORDS[r.kind] },
      { key: 'count', label: 'Rows', numeric: true, text: (r) => formatNumber(r.count) },
      { key: 'units', label: 'Units', numeric: true, text: (r) => formatNumber(r.units) },
      { key: 'value', label: 'Value', numeric: true, text: (r) => formatMoney(r.value) },
    ]} rows=${CLASSES.map((kind) => ({ kind, ...(totals.byClassification?.[kind] ?? {}) }))} />
    <${DataTable} caption="By channel" rowKey=${(r) => r.connectionId} columns=${[
      { key: 'name', label: 'Channel' },
      { key: 'discrepancies', label: 'Rows', numeric: true, text: (r) => formatNumber(r.discrepancies) },
      { key: 'valueNet', label: 'Net value', numeric: true, text: (r) => formatMoney(r.valueNet) },
      { key: 'healRequested', label: 'Healed', numeric: true, text: (r) => formatNumber(r.healRequested) },
    ]} rows=${totals.byChannel ?? []} emptyTitle="No channels compared" />
  </div>`;
}

export function ReconciliationDetailPage({ id }) {
  const state = useApi(`/api/v1/reconciliations/${id}`, { limit: 1 });
  usePolling(state.reload, 1500, state.data ? isActive(state.data) : false);
  return html`<${Loading} state=${state}>
    ${(run) => html`<section>
      <${PageHeader} title=${`Reconciliation of ${formatDate(run.createdAt)}`}
        subtitle=${html`<${StatusBadge} status=${run.status} /> requested by ${run.requestedBy}${run.durationSeconds !== null ? ` · took ${formatDuration(run.durationSeconds * 1000)}` : ''}`}
        actions=${html`<${Link} class="button button-quiet" href="/reconciliations">All runs</${Link}>`} />
      ${run.status === 'failed' ? html`<${Notice} kind="error" title="The run failed">${run.error}</${Notice}>` : null}
      ${isActive(run) ? html`<${Progress} run=${run} />` : null}
      ${run.status === 'completed' ? html`<${Totals} totals=${run.totals} /><${Discrepancies} run=${run} />` : null}
    </section>`}
  </${Loading}>`;
}
