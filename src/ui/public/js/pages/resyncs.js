// Resync a SKU, a store or everything, and watch the job until it is done.
import { useState } from 'preact/hooks';
import { ErrorNotice, Notice, PageHeader, ProgressBar } from '../components/feedback.js';
import { Field, SelectField, SubmitButton } from '../components/forms.js';
import { api } from '../lib/api.js';
import { formatNumber } from '../lib/format.js';
import { useAction, useApi, usePolling } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { useCan } from '../lib/session.js';
import { QueueHealth } from './queue-health.js';

const FINISHED = new Set(['completed', 'failed']);

/** Follows one resync job (queue "events", id from the 202 answer) until it finishes. */
export function ResyncProgress({ accepted }) {
  const can = useCan();
  const watch = can('GET /api/v1/queues/:queue/jobs/:id');
  const state = useApi(watch ? `/api/v1/queues/events/jobs/${encodeURIComponent(accepted.jobId)}` : null);
  const job = state.data;
  usePolling(state.reload, 1000, watch && !(job && FINISHED.has(job.state)));
  const what = accepted.scope?.sku ? `SKU ${accepted.scope.sku}` : accepted.scope?.connectionId ? 'one connection' : 'everything';
  const paused = accepted.channels.filter((c) => c.paused).length;
  const percent = job?.state === 'completed' ? 100 : typeof job?.progress === 'number' ? job.progress : 0;
  return html`<div class="card resync-progress" aria-live="polite">
    <h2>Resync of ${what}</h2>
    <p>${formatNumber(accepted.skus)} SKU${accepted.skus === 1 ? '' : 's'} across ${accepted.channels.length} channel${accepted.channels.length === 1 ? '' : 's'}
      ${paused ? html` <span class="muted">(${paused} paused: held until resumed)</span>` : null}. Correlation id <code>${accepted.resyncId}</code>.</p>
    <${ProgressBar} label=${job ? `Job ${job.state}` : 'Queued'} value=${percent} max=${job && (job.state === 'active' || FINISHED.has(job.state)) && percent ? 100 : 0} />
    ${
      job?.state === 'completed'
        ? html`<${Notice} kind="success" title="Resync finished">
          ${formatNumber(job.result?.skus ?? accepted.skus)} SKUs recomputed;
          ${(job.result?.channels ?? []).map((c) => `${c.outcome.replaceAll('_', ' ')} (${c.marked} to push)`).join(', ') || 'no channel needed a push'}.
        </${Notice}>`
        : null
    }
    ${job?.state === 'failed' ? html`<${Notice} kind="error" title="Resync failed">${job.failedReason}</${Notice}>` : null}
    <${ErrorNotice} error=${state.error?.status === 404 ? null : state.error} />
  </div>`;
}

export function ResyncButton({ scope, label }) {
  const start = useAction(() => api.post('/api/v1/resyncs', scope));
  return html`<span>
    <button type="button" class="button" disabled=${start.busy} onClick=${() => start.run()}>${start.busy ? 'Starting…' : label}</button>
    ${start.result ? html`<${ResyncProgress} accepted=${start.result} />` : null}
    <${ErrorNotice} error=${start.error} title="Resync not started" />
  </span>`;
}

export function ResyncsPage() {
  const can = useCan();
  const connections = useApi(can('GET /api/v1/connections') ? '/api/v1/connections' : null);
  const [scope, setScope] = useState('sku');
  const [sku, setSku] = useState('');
  const [connectionId, setConnectionId] = useState('');
  const [error, setError] = useState('');
  const [runs, setRuns] = useState([]);
  const start = useAction(async (body) => {
    const accepted = await api.post('/api/v1/resyncs', body);
    setRuns([accepted, ...runs]);
  });
  const submit = (event) => {
    event.preventDefault();
    const problem =
      scope === 'sku' && !sku.trim() ? 'Enter the SKU to resync.' : scope === 'connection' && !connectionId ? 'Choose a connection.' : '';
    setError(problem);
    if (problem) return;
    void start.run(scope === 'sku' ? { sku: sku.trim() } : scope === 'connection' ? { connectionId } : {});
  };
  return html`<section>
    <${PageHeader} title="Resync" subtitle="Recompute targets and make the stores show them, re-reading what they show first." />
    <form class="card form" onSubmit=${submit} novalidate>
      <div class="grid-3">
        <${SelectField} label="Resync" name="scope" value=${scope} onValue=${setScope} options=${[
          { value: 'sku', label: 'One SKU, on every channel' },
          { value: 'connection', label: 'One store (or, for the ERP, every store)' },
          { value: 'all', label: 'Everything' },
        ]} />
        ${scope === 'sku' ? html`<${Field} label="SKU" name="sku" value=${sku} onValue=${setSku} error=${error} />` : null}
        ${
          scope === 'connection'
            ? html`<${SelectField} label="Connection" name="connectionId" value=${connectionId} onValue=${setConnectionId} error=${error}
              options=${[{ value: '', label: 'Choose…' }, ...(connections.data?.connections ?? []).map((c) => ({ value: c.id, label: c.name }))]} />`
            : null
        }
      </div>
      <${ErrorNotice} error=${start.error} title="Resync not started" />
      <div class="actions"><${SubmitButton} busy=${start.busy} busyLabel="Starting…">Start resync</${SubmitButton}></div>
    </form>
    ${runs.map((accepted) => html`<${ResyncProgress} key=${accepted.resyncId} accepted=${accepted} />`)}
    ${can('GET /api/v1/queues') ? html`<${QueueHealth} />` : null}
  </section>`;
}
