// API tokens for automation (admins): create one (shown once), see when each was last used, revoke.
import { useState } from 'preact/hooks';
import { ConfirmButton, ErrorNotice, Loading, Notice, PageHeader, StatusBadge } from '../components/feedback.js';
import { Field, SelectField, SubmitButton } from '../components/forms.js';
import { DataTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatAgo, formatDate } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';

const ROLE_OPTIONS = [
  { value: 'support', label: 'support — resync, replay, pause' },
  { value: 'accountant', label: 'accountant — read reports' },
  { value: 'admin', label: 'admin — everything' },
];

export function TokensPage() {
  const state = useApi('/api/v1/tokens');
  const [name, setName] = useState('');
  const [role, setRole] = useState('support');
  const [nameError, setNameError] = useState('');
  const [created, setCreated] = useState(null);
  const create = useAction(async () => {
    const token = await api.post('/api/v1/tokens', { name: name.trim(), role });
    setCreated(token);
    setName('');
    await state.reload();
  });
  const revoke = useAction(async (id) => {
    await api.delete(`/api/v1/tokens/${id}`);
    await state.reload();
  });
  const submit = (event) => {
    event.preventDefault();
    const problem = name.trim() ? '' : 'Name the token after what will use it, e.g. “nightly export”.';
    setNameError(problem);
    if (!problem) void create.run();
  };
  const columns = [
    { key: 'name', label: 'Name' },
    { key: 'role', label: 'Role' },
    { key: 'prefix', label: 'Starts with', render: (t) => html`<code>${t.prefix}…</code>` },
    { key: 'createdAt', label: 'Created', text: (t) => formatDate(t.createdAt) },
    { key: 'lastUsedAt', label: 'Last used', text: (t) => formatAgo(t.lastUsedAt) },
    {
      key: 'state',
      label: 'State',
      text: (t) => (t.revokedAt ? 'revoked' : 'active'),
      render: (t) =>
        t.revokedAt
          ? html`<${StatusBadge} status="discarded">revoked</${StatusBadge}>`
          : html`<${ConfirmButton} label="Revoke" question=${`Revoke “${t.name}”?`} confirmLabel="Revoke" busy=${revoke.busy} onConfirm=${() => revoke.run(t.id)} />`,
    },
  ];
  return html`<section>
    <${PageHeader} title="API tokens" subtitle="For scripts and integrations: send as Authorization: Bearer <token>." />
    ${
      created
        ? html`<${Notice} kind="success" title=${`Token “${created.name}” created — copy it now, it is shown only once`}>
          <p><code class="secret-once">${created.token}</code></p>
        </${Notice}>`
        : null
    }
    <form class="card form inline-form" onSubmit=${submit} novalidate>
      <h2>New token</h2>
      <div class="grid-3">
        <${Field} label="Name" name="tokenName" value=${name} onValue=${setName} error=${nameError} required />
        <${SelectField} label="Role" name="tokenRole" value=${role} onValue=${setRole} options=${ROLE_OPTIONS} />
        <div class="field field-submit"><${SubmitButton} busy=${create.busy}>Create token</${SubmitButton}></div>
      </div>
      <${ErrorNotice} error=${create.error} title="Not created" />
    </form>
    <${ErrorNotice} error=${revoke.error} title="Not revoked" />
    <${Loading} state=${state}>${(data) => html`<${DataTable} caption="API tokens" columns=${columns} rows=${data.tokens} filterable emptyTitle="No tokens yet" />`}</${Loading}>
  </section>`;
}
