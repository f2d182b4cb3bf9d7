// People who sign in (admins): invite with a first password, change role, disable, reset password.
import { useState } from 'preact/hooks';
import { ConfirmButton, ErrorNotice, Loading, Notice, PageHeader, StatusBadge } from '../components/feedback.js';
import { Field, SelectField, SubmitButton } from '../components/forms.js';
import { DataTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { formatAgo } from '../lib/format.js';
import { useAction, useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { useSession } from '../lib/session.js';

const ROLES = [
  { value: 'support', label: 'Support' },
  { value: 'accountant', label: 'Accountant' },
  { value: 'admin', label: 'Admin' },
];
const EMPTY = { email: '', name: '', role: 'support', password: '' };

function validate(form) {
  const errors = {};
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.trim())) errors.email = 'Enter a valid email address.';
  if (form.password.length < 10) errors.password = 'At least 10 characters.';
  return errors;
}

function PasswordReset({ user, onDone }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const reset = useAction(async () => {
    await api.post(`/api/v1/users/${user.id}/password`, { password });
    setPassword('');
    onDone(`New password set for ${user.email}; their sessions were ended.`);
  });
  const submit = (event) => {
    event.preventDefault();
    const problem = password.length < 10 ? 'At least 10 characters.' : '';
    setError(problem);
    if (!problem) void reset.run();
  };
  return html`<form class="inline-reset" onSubmit=${submit} novalidate>
    <${Field} label=${`New password for ${user.email}`} name=${`reset-${user.id}`} type="password" autocomplete="new-password" value=${password}
      onValue=${setPassword} error=${error || reset.error?.message} />
    <${SubmitButton} busy=${reset.busy}>Set password</${SubmitButton}>
  </form>`;
}

export function UsersPage() {
  const session = useSession();
  const state = useApi('/api/v1/users');
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [resetting, setResetting] = useState(null);
  const set = (field) => (value) => setForm({ ...form, [field]: value });
  const create = useAction(async () => {
    await api.post('/api/v1/users', { ...form, email: form.email.trim() });
    setMessage(`${form.email.trim()} can now sign in.`);
    setForm(EMPTY);
    await state.reload();
  });
  const change = useAction(async (user, body) => {
    await api.patch(`/api/v1/users/${user.id}`, body);
    await state.reload();
  });
  const submit = (event) => {
    event.preventDefault();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length === 0) void create.run();
  };
  const columns = [
    { key: 'email', label: 'Email' },
    { key: 'name', label: 'Name' },
    {
      key: 'role',
      label: 'Role',
      render: (u) =>
        u.id === session.user.id
          ? u.role
          : html`<label class="visually-hidden" for=${`role-${u.id}`}>Role of ${u.email}</label>
            <select class="cell-select" id=${`role-${u.id}`} value=${u.role} onChange=${(e) => change.run(u, { role: e.currentTarget.value })}>
              ${ROLES.map((r) => html`<option value=${r.value}>${r.label}</option>`)}
            </select>`,
    },
    { key: 'lastLoginAt', label: 'Last sign-in', text: (u) => formatAgo(u.lastLoginAt) },
    {
      key: 'disabled',
      label: 'State',
      text: (u) => (u.disabled ? 'disabled' : 'active'),
      render: (u) =>
        html`<${StatusBadge} status=${u.disabled ? 'disconnected' : 'active'}>${u.disabled ? 'disabled' : 'active'}</${StatusBadge}>`,
    },
    {
      key: 'actions',
      label: 'Actions',
      text: () => '',
      render: (u) => html`<div class="row-actions">
        <button type="button" class="button button-quiet" aria-expanded=${resetting === u.id} onClick=${() => setResetting(resetting === u.id ? null : u.id)}>Reset password</button>
        ${
          u.id === session.user.id
            ? null
            : u.disabled
              ? html`<button type="button" class="button" onClick=${() => change.run(u, { disabled: false })}>Enable</button>`
              : html`<${ConfirmButton} label="Disable" question=${`Disable ${u.email}?`} confirmLabel="Disable" onConfirm=${() => change.run(u, { disabled: true })} />`
        }
      </div>`,
    },
  ];
  const resetUser = state.data?.users.find((u) => u.id === resetting);
  return html`<section>
    <${PageHeader} title="Users" subtitle="Who can sign in to this admin, and with which role." />
    ${message ? html`<${Notice} kind="success">${message}</${Notice}>` : null}
    <form class="card form" onSubmit=${submit} novalidate>
      <h2>Add a user</h2>
      <div class="grid-2">
        <${Field} label="Email" name="email" type="email" value=${form.email} onValue=${set('email')} error=${errors.email} required />
        <${Field} label="Name" name="name" value=${form.name} onValue=${set('name')} />
        <${SelectField} label="Role" name="role" value=${form.role} onValue=${set('role')} options=${ROLES} />
        <${Field} label="First password" name="password" type="password" autocomplete="new-password" value=${form.password} onValue=${set('password')}
          error=${errors.password} required hint="Share it privately; they can ask an admin for a new one." />
      </div>
      <${ErrorNotice} error=${create.error} title="Not added" />
      <div class="actions"><${SubmitButton} busy=${create.busy}>Add user</${SubmitButton}></div>
    </form>
    <${ErrorNotice} error=${change.error} title="Not changed" />
    ${
      resetUser
        ? html`<div class="card"><${PasswordReset} user=${resetUser} onDone=${(text) => {
            setMessage(text);
            setResetting(null);
          }} /></div>`
        : null
    }
    <${Loading} state=${state}>${(data) => html`<${DataTable} caption="Users" columns=${columns} rows=${data.users} filterable />`}</${Loading}>
  </section>`;
}
