// Reconciliation runs: start one, watch it run, and open its discrepancies.
import { useState } from 'preact/hooks';
import { ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { CheckboxField, Field, SelectField, SubmitButton } from '../components/forms.js';
import { DataTable, LoadMore } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatDate, formatDuration, formatMoney, formatNumber } from '../lib/format.js';
import { useAction, useApi, usePolling } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, navigate } from '../lib/router.js';
import { useCan } from '../lib/session.js';

export const isActive = (run) => run.status === 'queued' || run.status === 'running';

export function runProgress(run) {
  const channels = (run.sources ?? []).filter((s) => s.total !== null && s.total !== undefined);
  const total = channels.reduce((sum, s) => sum + s.total, 0);
  const compared = channels.reduce((sum, s) => sum + s.compared, 0);
  return { compared, total };
}

function StartRun({ connections, onStarted }) {
  const [scope, setScope] = useState('all');
  const [connectionId, setConnectionId] = useState('');
  const [sku, setSku] = useState('');
  const [heal, setHeal] = useState(false);
  const [error, setError] = useState('');
  const start = useAction(async (body) => onStarted((await api.post('/api/v1/reconciliations', body)).id));
  const submit = (event) => {
    event.preventDefault();
    const problem = scope === 'connection' && !connectionId ? 'Choose a channel.' : scope === 'sku' && !sku.trim() ? 'Enter a SKU.' : '';
    setError(problem);
    if (problem) return;
    void start.run({ heal, ...(scope === 'connection' ? { connectionId } : {}), ...(scope === 'sku' ? { sku: sku.trim() } : {}) });
  };
  const channels = connections.filter((c) => c.kind !== 'erp');
  return html`<form class="card form" onSubmit=${submit} novalidate>
    <h2>Start a run</h2>
    <div class="grid-3">
      <${SelectField} label="Compare" name="scope" value=${scope} onValue=${setScope} options=${[
        { value: 'all', label: 'Everything: the ERP against every channel' },
        { value: 'connection', label: 'One channel' },
        { value: 'sku', label: 'One SKU' },
      ]} />
      ${
        scope === 'connection'
          ? html`<${SelectField} label="Channel" name="connectionId" value=${connectionId} onValue=${setConnectionId} error=${error}
            options=${[{ value: '', label: 'Choose…' }, ...channels.map((c) => ({ value: c.id, label: c.name }))]} />`
          : null
      }
      ${scope === 'sku' ? html`<${Field} label="SKU" name="sku" value=${sku} onValue=${setSku} error=${error} />` : null}
    </div>
    <${CheckboxField} label="Heal: push the target to every channel that differs" name="heal" checked=${heal} onValue=${setHeal} />
    <${ErrorNotice} error=${start.error} title="Not started" />
    <div class="actions"><${SubmitButton} busy=${start.busy} busyLabel="Starting…">Start reconciliation</${SubmitButton}></div>
  </form>`;
}

export function ReconciliationsPage() {
  const can = useCan();
  const [extra, setExtra] = useState({ items: [], nextCursor: undefined });
  const state = useApi('/api/v1/reconciliations', { limit: 25 });
  const connections = useApi(can('GET /api/v1/connections') ? '/api/v1/connections' : null);
  const runs = [...(state.data?.items ?? []), ...extra.items];
  usePolling(state.reload, 2000, runs.some(isActive));
  const more = useAction(async () => {
    const cursor = extra.nextCursor ?? state.data?.nextCursor;
    const page = await api.get('/api/v1/reconciliations', { limit: 25, cursor });
    setExtra({ items: [...extra.items, ...page.items], nextCursor: page.nextCursor });
  });
  const columns = [
    {
      key: 'createdAt',
      label: 'Started',
      render: (r) => html`<${Link} href=${`/reconciliations/${r.id}`}>${formatDate(r.createdAt)}</${Link}>`,
      text: (r) => formatDate(r.createdAt),
    },
    {
      key: 'status',
      label: 'Status',
      render: (r) => {
        if (!isActive(r)) return html`<${StatusBadge} status=${r.status} />`;
        const p = runProgress(r);
        return html`<${StatusBadge} status=${r.status} /> <span class="muted">${r.phase}${p.total ? ` · ${Math.round((p.compared / p.total) * 100)}%` : ''}</span>`;
      },
    },
    {
      key: 'scope',
      label: 'Scope',
      text: (r) => (r.scope?.sku ? `SKU ${r.scope.sku}` : r.scope?.connectionId ? 'one channel' : 'everything') + (r.heal ? ' · heal' : ''),
    },
    { key: 'requestedBy', label: 'Requested by' },
    {
      key: 'duration',
      label: 'Took',
      numeric: true,
      text: (r) => (r.durationSeconds === null ? '—' : formatDuration(r.durationSeconds * 1000)),
    },
    { key: 'discrepancies', label: 'Discrepancies', numeric: true, text: (r) => formatNumber(r.totals?.discrepancies) },
    { key: 'value', label: 'Net value', numeric: true, text: (r) => formatMoney(r.totals?.valueNet) },
  ];
  return html`<section>
    <${PageHeader} title="Reconciliations" subtitle="The ERP’s stock compared with what every channel shows, valued at ERP unit cost." />
    ${
      can('POST /api/v1/reconciliations')
        ? html`<${StartRun} connections=${connections.data?.connections ?? []} onStarted=${(id) => navigate(`/reconciliations/${id}`)} />`
        : null
    }
    <${Loading} state=${state}>
      ${() => html`<${DataTable} caption="Reconciliation runs" columns=${columns} rows=${runs} filterable emptyTitle="No runs yet"
          emptyText="Runs start on a schedule, or on demand above." />
        <${LoadMore} nextCursor=${extra.nextCursor === undefined ? state.data?.nextCursor : extra.nextCursor} busy=${more.busy} onMore=${() => more.run()} />`}
    </${Loading}>
  </section>`;
}
