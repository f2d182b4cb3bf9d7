// Queue depth and lag at a glance: how much work is waiting and how old the oldest waiting job is.
import { Loading, Stat } from '../components/feedback.js';
import { DataTable } from '../components/table.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { useApi, usePolling } from '../lib/hooks.js';
import { html } from '../lib/html.js';

export function QueueHealth({ compact = false }) {
  const state = useApi('/api/v1/queues');
  usePolling(state.reload, 5000, true);
  return html`<div class="card" aria-live="polite">
    <h2>Queues</h2>
    <${Loading} state=${state}>
      ${({ queues }) => {
        const waiting = queues.reduce((sum, q) => sum + (q.waiting ?? 0) + (q.delayed ?? 0), 0);
        const lag = Math.max(0, ...queues.map((q) => q.oldestWaitingMs ?? 0));
        const failed = queues.reduce((sum, q) => sum + (q.failed ?? 0), 0);
        return html`<div class="stats">
            <${Stat} label="Waiting jobs" value=${formatNumber(waiting)} tone=${waiting > 1000 ? 'warn' : 'good'} />
            <${Stat} label="Oldest wait (lag)" value=${formatDuration(lag)} tone=${lag > 60_000 ? 'bad' : lag > 5_000 ? 'warn' : 'good'} />
            <${Stat} label="Failed, retrying" value=${formatNumber(failed)} tone=${failed ? 'warn' : undefined} />
          </div>
          ${
            compact
              ? null
              : html`<${DataTable} caption="Queues" rowKey=${(q) => q.name} rows=${queues} columns=${[
                  { key: 'name', label: 'Queue' },
                  { key: 'active', label: 'Running', numeric: true, text: (q) => formatNumber(q.active) },
                  { key: 'waiting', label: 'Waiting', numeric: true, text: (q) => formatNumber(q.waiting) },
                  { key: 'delayed', label: 'Delayed', numeric: true, text: (q) => formatNumber(q.delayed) },
                  { key: 'failed', label: 'Failed', numeric: true, text: (q) => formatNumber(q.failed) },
                  { key: 'oldestWaitingMs', label: 'Oldest wait', numeric: true, text: (q) => formatDuration(q.oldestWaitingMs) },
                ]} />`
          }`;
      }}
    </${Loading}>
  </div>`;
}
