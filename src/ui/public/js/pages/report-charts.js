// Pictures that read faster than tables: discrepancies found per day, their value, and sync
// latency over time (when the server reports it), each with its CSV.

import { TimeChart } from '../components/chart.js';
import { Loading } from '../components/feedback.js';
import { CsvLink, DataTable } from '../components/table.js';
import { withQuery } from '../lib/api.js';
import { formatDuration, formatMoney, formatNumber, humanize } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { useCan } from '../lib/session.js';

function SyncLatency({ filter }) {
  const state = useApi('/api/v1/reports/sync-latency', filter);
  return html`<${Loading} state=${state}>
    ${(data) => html`<${TimeChart} title="Sync latency (webhook → channel)" summary="Median and 95th percentile per day."
      format=${(v) => formatDuration(v)} series=${[
        { name: 'median', points: data.days.map((d) => ({ x: d.day, y: d.p50Ms })) },
        { name: '95th percentile', points: data.days.map((d) => ({ x: d.day, y: d.p95Ms })) },
      ]} />`}
  </${Loading}>`;
}

export function DiscrepancyCharts({ filter }) {
  const can = useCan();
  const runs = useApi('/api/v1/reports/runs', { ...filter, limit: 1 });
  const breakdown = useApi('/api/v1/reports/discrepancies', { ...filter, top: 20 });
  return html`<div>
    <div class="card-header"><h2>Discrepancies over time</h2>
      <span class="actions"><${CsvLink} href=${withQuery('/api/v1/reports/runs.csv', filter)}>Runs CSV</${CsvLink}>
      <${CsvLink} href=${withQuery('/api/v1/reports/discrepancies.csv', filter)}>Discrepancies CSV</${CsvLink}></span></div>
    <${Loading} state=${runs}>
      ${({ days }) => {
        const total = days.reduce((sum, d) => sum + d.discrepancies, 0);
        return html`<div class="columns">
          <${TimeChart} title="Discrepancies found per day" type="bar" integer summary=${`${formatNumber(total)} discrepancies over ${days.length} days with runs.`}
            format=${(v) => formatNumber(Math.round(v))} series=${[{ name: 'discrepancies', points: days.map((d) => ({ x: d.day, y: d.discrepancies })) }]} />
          <${TimeChart} title="Net value of discrepancies per day" summary="At ERP unit cost; positive means channels showed more than the ERP had."
            format=${(v) => formatMoney(v)} series=${[{ name: 'net value', points: days.map((d) => ({ x: d.day, y: Number(d.valueNet) })) }]} />
        </div>`;
      }}
    </${Loading}>
    ${can('GET /api/v1/reports/sync-latency') ? html`<${SyncLatency} filter=${filter} />` : null}
    <${Loading} state=${breakdown}>
      ${({ byChannel, bySku }) => html`<div class="columns">
        <${DataTable} caption="Discrepancies by channel" rowKey=${(r) => `${r.connectionId}|${r.classification}`} rows=${byChannel} columns=${[
          { key: 'connectionName', label: 'Channel' },
          { key: 'classification', label: 'Kind', text: (r) => humanize(r.classification) },
          { key: 'count', label: 'Rows', numeric: true, text: (r) => formatNumber(r.count) },
          { key: 'units', label: 'Units', numeric: true, text: (r) => formatNumber(r.units) },
          { key: 'value', label: 'Value', numeric: true, text: (r) => formatMoney(r.value) },
        ]} emptyTitle="No discrepancies in this period" />
        <${DataTable} caption="SKUs with the most discrepancies" rowKey=${(r) => r.sku} rows=${bySku} columns=${[
          { key: 'sku', label: 'SKU' },
          { key: 'count', label: 'Rows', numeric: true, text: (r) => formatNumber(r.count) },
          { key: 'units', label: 'Units', numeric: true, text: (r) => formatNumber(r.units) },
          { key: 'value', label: 'Value', numeric: true, text: (r) => formatMoney(r.value) },
        ]} emptyTitle="No discrepancies in this period" />
      </div>`}
    </${Loading}>
  </div>`;
}
