// Received webhook events with filters (channel, status, topic), their payloads, and replay.
import { useState } from 'preact/hooks';
import { ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { Field, SelectField } from '../components/forms.js';
import { DataTable, LoadMore } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatAgo, formatDate } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { setQuery, useRoute } from '../lib/router.js';
import { useCan } from '../lib/session.js';

const STATUSES = ['received', 'enqueued', 'processing', 'processed', 'failed', 'dead', 'ignored', 'paused', 'rejected'];
const REPLAYABLE = new Set(['failed', 'dead', 'processed', 'ignored', 'paused']);

function Payload({ id }) {
  const state = useApi(`/api/v1/events/${id}`);
  return html`<${Loading} state=${state}>${(event) => html`<pre class="json">${prettyJson(event.payload)}</pre>`}</${Loading}>`;
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function EventsPage() {
  const can = useCan();
  const { query } = useRoute();
  const filters = { connectionId: query.get('connectionId') ?? '', status: query.get('status') ?? '', topic: query.get('topic') ?? '' };
  const state = useApi('/api/v1/events', { ...filters, limit: 50 });
  const connections = useApi('/api/v1/connections');
  const [older, setOlder] = useState({ events: [], nextCursor: undefined });
  const [open, setOpen] = useState(null);
  const [replayed, setReplayed] = useState(new Set());
  const rows = [...(state.data?.events ?? []), ...older.events];
  const names = new Map((connections.data?.connections ?? []).map((c) => [c.id, c.name]));
  const set = (field) => (value) => {
    setOlder({ events: [], nextCursor: undefined });
    setQuery({ [field]: value });
  };
  const more = useAction(async () => {
    const page = await api.get('/api/v1/events', { ...filters, limit: 50, cursor: older.nextCursor ?? state.data?.nextCursor });
    setOlder({ events: [...older.events, ...page.events], nextCursor: page.nextCursor });
  });
  const replay = useAction(async (id) => {
    await api.post(`/api/v1/events/${id}/replay`);
    setReplayed(new Set([...replayed, id]));
  });
  const columns = [
    {
      key: 'receivedAt',
      label: 'Received',
      text: (e) => formatDate(e.receivedAt),
      render: (e) => html`<span title=${formatDate(e.receivedAt)}>${formatAgo(e.receivedAt)}</span>`,
    },
    { key: 'connection', label: 'From', text: (e) => names.get(e.connectionId) ?? e.source },
    { key: 'topic', label: 'Topic', render: (e) => html`<code>${e.topic}</code>`, text: (e) => e.topic },
    {
      key: 'status',
      label: 'Status',
      render: (e) =>
        html`<${StatusBadge} status=${e.status} />${e.attempts > 1 ? html` <span class="muted">${e.attempts} tries</span>` : null}`,
    },
    { key: 'error', label: 'Error' },
    {
      key: 'correlationId',
      label: 'Correlation',
      render: (e) => html`<code>${e.correlationId.slice(0, 8)}</code>`,
      text: (e) => e.correlationId,
    },
    {
      key: 'actions',
      label: 'Actions',
      text: () => '',
      render: (e) => html`<div class="row-actions">
        <button type="button" class="button button-quiet" aria-expanded=${open === e.id} onClick=${() => setOpen(open === e.id ? null : e.id)}>Payload</button>
        ${
          can('POST /api/v1/events/:id/replay') && REPLAYABLE.has(e.status)
            ? replayed.has(e.id)
              ? html`<span class="badge badge-good">queued again</span>`
              : html`<button type="button" class="button" disabled=${replay.busy} onClick=${() => replay.run(e.id)}>Replay</button>`
            : null
        }
      </div>`,
    },
  ];
  return html`<section>
    <${PageHeader} title="Events" subtitle="Every webhook and poll result we stored, newest first." />
    <div class="grid-3 filters card">
      <${SelectField} label="From" name="connectionId" value=${filters.connectionId} onValue=${set('connectionId')}
        options=${[{ value: '', label: 'Every connection' }, ...(connections.data?.connections ?? []).map((c) => ({ value: c.id, label: c.name }))]} />
      <${SelectField} label="Status" name="status" value=${filters.status} onValue=${set('status')}
        options=${[{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: s }))]} />
      <${Field} label="Topic" name="topic" type="search" value=${filters.topic} onValue=${set('topic')} placeholder="e.g. orders/create" />
    </div>
    <${ErrorNotice} error=${replay.error} title="Not replayed" />
    ${open ? html`<div class="card"><div class="card-header"><h2>Payload</h2><button type="button" class="button button-quiet" onClick=${() => setOpen(null)}>Close</button></div><${Payload} id=${open} /></div>` : null}
    <${Loading} state=${state}>
      ${() => html`<${DataTable} caption="Received events" columns=${columns} rows=${rows} emptyTitle="No events match"
          emptyText="Events appear here as stores and the ERP send webhooks." />
        <${LoadMore} nextCursor=${older.nextCursor === undefined ? state.data?.nextCursor : older.nextCursor} busy=${more.busy} onMore=${() => more.run()} />`}
    </${Loading}>
  </section>`;
}
