// Dead letters: jobs that failed for good, with why. Replay one, the selected ones, or all open.
import { useState } from 'preact/hooks';
import { ConfirmButton, ErrorNotice, Loading, Notice, PageHeader, StatusBadge } from '../components/feedback.js';
import { SelectField } from '../components/forms.js';
import { DataTable, LoadMore } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatAgo } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, setQuery, useRoute } from '../lib/router.js';

const PAGE = 100;

export function DeadLettersPage() {
  const { query } = useRoute();
  const status = query.get('status') ?? 'open';
  const state = useApi('/api/v1/dead-letters', { status: status === 'all' ? undefined : status, limit: PAGE });
  const connections = useApi('/api/v1/connections');
  const [older, setOlder] = useState([]);
  const [olderHasMore, setOlderHasMore] = useState(false);
  const [selected, setSelected] = useState(new Set());
  const [message, setMessage] = useState(null);
  const rows = [...(state.data?.deadLetters ?? []), ...older];
  const names = new Map((connections.data?.connections ?? []).map((c) => [c.id, c.name]));

  const after = async (result) => {
    setSelected(new Set());
    setOlder([]);
    setMessage(result);
    await state.reload();
  };
  const replayOne = useAction(async (id) => {
    await api.post(`/api/v1/dead-letters/${id}/replay`);
    await after({ requested: 1, replayed: 1 });
  });
  const replayMany = useAction(async (ids) => after(await api.post('/api/v1/dead-letters/replay', ids ? { ids } : {})));
  const more = useAction(async () => {
    const last = rows.at(-1);
    const page = await api.get('/api/v1/dead-letters', {
      status: status === 'all' ? undefined : status,
      limit: PAGE,
      before: last?.createdAt,
    });
    setOlder([...older, ...page.deadLetters]);
    setOlderHasMore(page.deadLetters.length === PAGE);
  });
  const hasMore = older.length > 0 ? olderHasMore : state.data?.deadLetters.length === PAGE;

  const columns = [
    { key: 'createdAt', label: 'Failed', text: (d) => formatAgo(d.createdAt) },
    { key: 'jobName', label: 'Job' },
    {
      key: 'sku',
      label: 'SKU',
      text: (d) => d.sku ?? '',
      render: (d) => (d.sku ? html`<${Link} href=${`/skus/${encodeURIComponent(d.sku)}`}>${d.sku}</${Link}>` : '—'),
    },
    { key: 'connection', label: 'Channel', text: (d) => names.get(d.connectionId) ?? '' },
    {
      key: 'error',
      label: 'Why',
      text: (d) => `${d.errorCode} ${d.errorMessage}`,
      render: (d) => html`<details><summary><code>${d.errorCode}</code> ${d.errorMessage}</summary>
        <p class="hint">Correlation <code>${d.correlationId ?? '—'}</code> · ${d.attempts} attempts${d.replayCount ? ` · replayed ${d.replayCount}×` : ''}</p>
        <pre class="json">${JSON.stringify(d.context, null, 2)}</pre></details>`,
    },
    { key: 'status', label: 'State', render: (d) => html`<${StatusBadge} status=${d.status} />` },
    {
      key: 'replay',
      label: 'Replay',
      text: () => '',
      render: (d) =>
        d.status === 'discarded'
          ? '—'
          : html`<button type="button" class="button" disabled=${replayOne.busy} onClick=${() => replayOne.run(d.id)}
              aria-label=${`Replay dead letter ${d.jobName} ${d.sku ?? ''}`}>Replay</button>`,
    },
  ];

  return html`<section>
    <${PageHeader} title="Dead letters" subtitle="Jobs that failed for good (permanent errors or retries used up), with their full context." />
    ${
      message
        ? html`<${Notice} kind=${message.replayed === message.requested ? 'success' : 'info'} title=${`Replayed ${message.replayed} of ${message.requested}`}>
          ${message.results?.filter((r) => r.outcome !== 'replayed').map((r) => html`<p><code>${r.id}</code>: ${r.outcome.replaceAll('_', ' ')} ${r.detail ?? ''}</p>`)}
        </${Notice}>`
        : null
    }
    <${ErrorNotice} error=${replayOne.error || replayMany.error} title="Replay failed" />
    <div class="toolbar">
      <${SelectField} label="Show" name="status" value=${status} onValue=${(value) => setQuery({ status: value === 'open' ? '' : value })} options=${[
        { value: 'open', label: 'Open' },
        { value: 'replayed', label: 'Replayed' },
        { value: 'discarded', label: 'Discarded' },
        { value: 'all', label: 'All' },
      ]} />
      <div class="actions">
        <button type="button" class="button" disabled=${selected.size === 0 || replayMany.busy} onClick=${() => replayMany.run([...selected])}>
          Replay selected (${selected.size})
        </button>
        <${ConfirmButton} label="Replay all open" kind="primary" question="Replay every open dead letter?" confirmLabel="Replay all"
          busy=${replayMany.busy} disabled=${status !== 'open' || rows.length === 0} onConfirm=${() => replayMany.run()} />
      </div>
    </div>
    <${Loading} state=${state}>
      ${() => html`<${DataTable} caption="Dead letters" columns=${columns} rows=${rows} filterable
          selection=${{ selected, set: setSelected, describe: (d) => `${d.jobName} ${d.sku ?? d.id}` }}
          emptyTitle=${status === 'open' ? 'No open dead letters' : 'None'} emptyText="Everything that failed has been handled." />
        <${LoadMore} nextCursor=${hasMore ? 'more' : null}
          busy=${more.busy} onMore=${() => more.run()} />`}
    </${Loading}>
  </section>`;
}
