// Sign in with email and password.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/feedback.js';
import { Field, SubmitButton } from '../components/forms.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';

export function LoginPage({ onSignedIn, expired }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in · stockbridge';
  }, []);

  const submit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!email.trim()) found.email = 'Enter your email address.';
    else if (!email.includes('@')) found.email = 'That does not look like an email address.';
    if (!password) found.password = 'Enter your password.';
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) {
      document.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      onSignedIn(await api.post('/auth/login', { email, password }));
    } catch (error) {
      setFailure(error);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="login">
    <main id="main" class="login-card">
      <div class="login-brand"><img src="/ui/assets/icon.svg" alt="" width="40" height="40" /><span>stockbridge</span></div>
      <h1>Sign in</h1>
      <p class="subtitle">Stock kept in step between your ERP and every store.</p>
      ${expired ? html`<p class="notice notice-info" role="status">Your session ended. Sign in again to continue.</p>` : null}
      <${ErrorNotice} error=${failure} title="Could not sign in" />
      <form onSubmit=${submit} novalidate>
        <${Field} label="Email" name="email" type="email" autocomplete="username" value=${email} onValue=${setEmail} error=${errors.email} required />
        <${Field} label="Password" name="password" type="password" autocomplete="current-password" value=${password} onValue=${setPassword}
          error=${errors.password} required />
        <${SubmitButton} busy=${busy} busyLabel="Signing in…">Sign in</${SubmitButton}>
      </form>
      <p class="hint">Forgot your password? An admin can set a new one under Users.</p>
    </main>
  </div>`;
}
