// One SKU: available-to-sell, the ERP's stock, each channel's target and what it shows, and the
// timeline of everything that touched it, grouped by correlation id so one story reads as one.
import { ErrorNotice, Loading, Notice, PageHeader, Stat, StatusBadge } from '../components/feedback.js';
import { DataTable } from '../components/table.js';
import { formatAgo, formatDate, formatNumber } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { useCan } from '../lib/session.js';
import { ResyncButton } from './resyncs.js';
import { SkuSearch } from './skus.js';

const TYPE_WORDS = { inbox_event: 'Webhook', movement: 'Movement', channel_call: 'API call', audit: 'Change', dead_letter: 'Dead letter' };

function Timeline({ entries }) {
  if (entries.length === 0) return html`<p class="muted">Nothing has happened to this SKU yet.</p>`;
  return html`<ol class="timeline">
    ${entries.map(
      (e) => html`<li key=${`${e.type}-${e.id}`}>
        <div><strong>${TYPE_WORDS[e.type] ?? e.type}</strong> · ${e.summary}</div>
        <div class="when">${formatDate(e.at)}${e.correlationId ? html` · correlation <code>${e.correlationId}</code>` : null}</div>
      </li>`,
    )}
  </ol>`;
}

function Correlations({ correlations, timeline }) {
  if (correlations.length === 0) return null;
  return html`<div class="card">
    <h2>Stories by correlation id</h2>
    ${correlations.map(
      (c) => html`<details key=${c.correlationId}>
        <summary><code>${c.correlationId}</code> — ${c.entries} step${c.entries === 1 ? '' : 's'} (${c.types.map((t) => TYPE_WORDS[t] ?? t).join(' → ')}),
          ${formatAgo(c.to)}</summary>
        <${Timeline} entries=${timeline.filter((e) => e.correlationId === c.correlationId)} />
      </details>`,
    )}
  </div>`;
}

export function SkuDetailPage({ sku }) {
  const can = useCan();
  const state = useApi(`/api/v1/skus/${encodeURIComponent(sku)}`);
  if (state.error?.status === 404) {
    return html`<section>
      <${PageHeader} title=${sku} />
      <${Notice} kind="info" title="No such SKU">Neither the ERP nor any store has reported a SKU spelled “${sku}”. Check the spelling.</${Notice}>
      <${SkuSearch} initial=${sku} />
    </section>`;
  }
  const channelColumns = [
    {
      key: 'connectionName',
      label: 'Channel',
      render: (c) => html`<${Link} href=${`/connections/${c.connectionId}`}>${c.connectionName}</${Link}>`,
      text: (c) => c.connectionName,
    },
    { key: 'externalLocationId', label: 'Location' },
    { key: 'status', label: 'State', render: (c) => html`<${StatusBadge} status=${c.paused ? 'paused' : c.status} />` },
    { key: 'target', label: 'Target', numeric: true, text: (c) => formatNumber(c.target) },
    { key: 'lastPushed', label: 'Last pushed', numeric: true, text: (c) => formatNumber(c.lastPushed) },
    { key: 'lastSeen', label: 'Channel shows', numeric: true, text: (c) => formatNumber(c.lastSeen) },
    { key: 'lastSeenAt', label: 'Seen', text: (c) => formatAgo(c.lastSeenAt) },
    { key: 'lastError', label: 'Last error' },
  ];
  const erpColumns = [
    { key: 'warehouse', label: 'Warehouse' },
    { key: 'onHand', label: 'On hand', numeric: true, text: (r) => formatNumber(r.onHand) },
    { key: 'reserved', label: 'Reserved', numeric: true, text: (r) => formatNumber(r.reserved) },
    { key: 'incoming', label: 'Incoming', numeric: true, text: (r) => formatNumber(r.incoming) },
    { key: 'available', label: 'Available', numeric: true, text: (r) => formatNumber(r.available) },
    { key: 'sourceUpdatedAt', label: 'ERP updated', text: (r) => formatAgo(r.sourceUpdatedAt) },
  ];
  return html`<${Loading} state=${state}>
    ${(view) => {
      const inSync = view.channels.filter((c) => c.status === 'in_sync').length;
      return html`<section>
        <${PageHeader} title=${view.sku} subtitle=${`${view.name || 'No name in the ERP'}${view.isBundle ? ' · bundle' : ''}`}
          actions=${can('POST /api/v1/resyncs') ? html`<${ResyncButton} scope=${{ sku: view.sku }} label="Resync this SKU" />` : null} />
        <${ErrorNotice} error=${state.error} />
        <div class="stats">
          <${Stat} label="Available to sell" value=${formatNumber(view.availableToSell)} hint="ERP available − movements it has not reflected yet" />
          <${Stat} label="Channels in sync" value=${`${inSync} / ${view.channels.length}`} tone=${inSync === view.channels.length ? 'good' : 'warn'} />
        </div>
        <h2>Per channel</h2>
        <${DataTable} caption="Sync state per channel and location" columns=${channelColumns} rows=${view.channels}
          rowKey=${(c) => `${c.connectionId}|${c.externalLocationId}`} emptyTitle="Not listed on any channel" />
        <h2>ERP stock</h2>
        <${DataTable} caption="ERP stock per warehouse" columns=${erpColumns} rows=${view.erp} rowKey=${(r) => `${r.connectionId}|${r.warehouse}`}
          emptyTitle="The ERP has not reported this SKU" />
        <${Correlations} correlations=${view.correlations} timeline=${view.timeline} />
        <div class="card"><h2>Timeline</h2><${Timeline} entries=${view.timeline} /></div>
      </section>`;
    }}
  </${Loading}>`;
}
