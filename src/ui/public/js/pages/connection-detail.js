// One connection: test it, pause or resume it, tune what it is offered, map its locations to ERP
// warehouses, or disconnect it (which removes our webhooks from the platform).
import { useState } from 'preact/hooks';
import { ConfirmButton, ErrorNotice, Loading, Notice, PageHeader, StatusBadge } from '../components/feedback.js';
import { api } from '../lib/api.js';
import { ERP_LABELS, formatDate, KIND_LABELS } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link, navigate } from '../lib/router.js';
import { useCan } from '../lib/session.js';
import { ErpSettingsForm, LocationMapping, PolicyForm } from './connection-settings.js';
import { TestResult } from './connections.js';

function Actions({ connection, reload }) {
  const can = useCan();
  const base = `/api/v1/connections/${connection.id}`;
  const test = useAction(async () => {
    const { test: outcome } = await api.post(`${base}/test`);
    await reload();
    return outcome;
  });
  const toggle = useAction(async () => {
    await api.post(`${base}/${connection.paused ? 'resume' : 'pause'}`);
    await reload();
  });
  const remove = useAction(async () => {
    await api.delete(base);
    navigate('/connections');
  });
  return html`<div class="card">
    <h2>Connection</h2>
    <dl class="facts">
      <dt>Kind</dt><dd>${connection.kind === 'erp' ? `ERP · ${ERP_LABELS[connection.erpType] ?? connection.erpType}` : KIND_LABELS[connection.kind]}</dd>
      <dt>Address</dt><dd>${connection.settings?.shopDomain ?? connection.settings?.siteUrl ?? connection.settings?.baseUrl ?? '—'}</dd>
      ${connection.settings?.baseUrl && connection.kind !== 'erp' ? html`<dt>API override</dt><dd>${connection.settings.baseUrl}</dd>` : null}
      <dt>Webhooks</dt><dd>${connection.webhooks} registered</dd>
      <dt>Last test</dt><dd><${TestResult} test=${connection.lastTestResult} when=${connection.lastTestedAt} /></dd>
      <dt>Connected</dt><dd>${formatDate(connection.createdAt)}</dd>
      <dt>Credentials</dt><dd class="muted">Stored encrypted; never shown. Reconnect to replace them.</dd>
    </dl>
    <div class="actions" aria-live="polite">
      ${
        can('POST /api/v1/connections/:id/test')
          ? html`<button type="button" class="button" disabled=${test.busy} onClick=${() => test.run()}>${test.busy ? 'Testing…' : 'Test connection'}</button>`
          : null
      }
      ${
        can(`POST /api/v1/connections/:id/${connection.paused ? 'resume' : 'pause'}`)
          ? html`<button type="button" class="button" disabled=${toggle.busy} onClick=${() => toggle.run()}>${connection.paused ? 'Resume syncing' : 'Pause syncing'}</button>`
          : null
      }
      ${
        can('DELETE /api/v1/connections/:id')
          ? html`<${ConfirmButton} label="Disconnect" question=${`Disconnect ${connection.name} and remove our webhooks?`} confirmLabel="Disconnect"
            busy=${remove.busy} onConfirm=${() => remove.run()} />`
          : null
      }
    </div>
    ${test.result ? html`<div class="test-answer"><h3>The platform answered</h3><${TestResult} test=${test.result} /></div>` : null}
    <${ErrorNotice} error=${test.error || toggle.error || remove.error} />
  </div>`;
}

export function ConnectionDetailPage({ id }) {
  const can = useCan();
  const state = useApi(`/api/v1/connections/${id}`);
  const all = useApi('/api/v1/connections');
  const [saved, setSaved] = useState('');
  const warehouses = [
    ...new Set((all.data?.connections ?? []).filter((c) => c.kind === 'erp').flatMap((c) => c.settings?.warehouses ?? [])),
  ].sort();
  const editable = can('PATCH /api/v1/connections/:id');
  const save = async (body, what) => {
    await api.patch(`/api/v1/connections/${id}`, body);
    await state.reload();
    setSaved(`${what} saved.`);
  };

  return html`<${Loading} state=${state}>
    ${(connection) => html`<section>
      <${PageHeader}
        title=${connection.name}
        subtitle=${html`<${StatusBadge} status=${connection.status} /> ${connection.paused ? html`<${StatusBadge} status="paused">paused: nothing is pushed</${StatusBadge}>` : null}`}
        actions=${html`<${Link} class="button button-quiet" href="/connections">All connections</${Link}>`}
      />
      ${saved ? html`<${Notice} kind="success">${saved}</${Notice}>` : null}
      <div class="columns">
        <${Actions} connection=${connection} reload=${state.reload} />
        ${
          connection.kind === 'erp'
            ? html`<${ErpSettingsForm} connection=${connection} editable=${editable} onSave=${(body) => save(body, 'ERP settings')} />`
            : html`<${PolicyForm} connection=${connection} editable=${editable} onSave=${(body) => save(body, 'Channel policy')} />`
        }
      </div>
      ${
        connection.kind !== 'erp'
          ? html`<${LocationMapping} connection=${connection} warehouses=${warehouses} editable=${editable}
            onSave=${(locations) => save({ locations }, 'Location mapping')} />`
          : null
      }
    </section>`}
  </${Loading}>`;
}
