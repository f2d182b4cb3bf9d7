// Small pieces that tell people what is happening: notices, spinners, progress, status badges,
// empty states and an inline two-step confirmation for destructive actions.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';

export function Notice({ kind = 'info', title, children }) {
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<div class="notice notice-${kind}" role=${role}>
    ${title ? html`<strong class="notice-title">${title}</strong>` : null}
    ${children ? html`<div>${children}</div>` : null}
  </div>`;
}

/** An API failure in words; the request id lets support find it in the logs. */
export function ErrorNotice({ error, title = 'Something went wrong' }) {
  if (!error) return null;
  return html`<${Notice} kind="error" title=${title}>
    ${error.message}${error.requestId ? html` <span class="muted">(request ${error.requestId})</span>` : null}
  </${Notice}>`;
}

export function Spinner({ label = 'Loading…' }) {
  return html`<span class="spinner" role="status"><span class="spinner-dot" aria-hidden="true"></span>${label}</span>`;
}

export function Loading({ state, children }) {
  if (state.error && state.data === undefined) return html`<${ErrorNotice} error=${state.error} title="Could not load" />`;
  if (state.data === undefined) return html`<p><${Spinner} /></p>`;
  return children(state.data);
}

export function EmptyState({ title, children }) {
  return html`<div class="empty"><p class="empty-title">${title}</p>${children ? html`<p>${children}</p>` : null}</div>`;
}

export function ProgressBar({ value, max, label }) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  const known = max > 0;
  return html`<div class="progress">
    <div class="progress-label"><span>${label}</span><span>${known ? `${percent}%` : 'starting…'}</span></div>
    <div class="progress-track" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${known ? percent : undefined}>
      <div class=${`progress-fill${known ? '' : ' indeterminate'}`} style=${`width:${known ? percent : 30}%`}></div>
    </div>
  </div>`;
}

const TONES = {
  active: 'good',
  in_sync: 'good',
  ok: 'good',
  completed: 'good',
  processed: 'good',
  replayed: 'good',
  pending: 'info',
  queued: 'info',
  running: 'info',
  pushing: 'info',
  enqueued: 'info',
  processing: 'info',
  received: 'info',
  paused: 'warn',
  unmapped: 'warn',
  ignored: 'muted',
  disconnected: 'muted',
  deleted: 'muted',
  discarded: 'muted',
  error: 'bad',
  failed: 'bad',
  dead: 'bad',
  open: 'bad',
  rejected: 'bad',
};

export function StatusBadge({ status, children }) {
  const tone = TONES[status] ?? 'muted';
  return html`<span class=${`badge badge-${tone}`}>${children ?? String(status ?? '—').replaceAll('_', ' ')}</span>`;
}

/** A button that asks "are you sure?" in place, then runs `onConfirm`. Keyboard friendly. */
export function ConfirmButton({ label, question, confirmLabel = 'Yes, do it', onConfirm, busy, disabled, kind = 'danger' }) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return html`<button type="button" class=${`button button-${kind}`} disabled=${busy || disabled} onClick=${() => setAsking(true)}>${label}</button>`;
  }
  return html`<span class="confirm" role="group" aria-label=${question}>
    <span>${question}</span>
    <button type="button" ref=${confirmRef} class=${`button button-${kind}`} onClick=${async () => {
      setAsking(false);
      await onConfirm();
    }}>${confirmLabel}</button>
    <button type="button" class="button button-quiet" onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

export function PageHeader({ title, subtitle, actions }) {
  useEffect(() => {
    document.title = `${title} · stockbridge`;
  }, [title]);
  return html`<header class="page-header">
    <div><h1 tabindex="-1" id="page-title">${title}</h1>${subtitle ? html`<p class="subtitle">${subtitle}</p>` : null}</div>
    ${actions ? html`<div class="page-actions">${actions}</div>` : null}
  </header>`;
}

export function Stat({ label, value, tone, hint }) {
  return html`<div class=${`stat${tone ? ` stat-${tone}` : ''}`}>
    <div class="stat-value">${value}</div>
    <div class="stat-label">${label}</div>
    ${hint ? html`<div class="stat-hint">${hint}</div>` : null}
  </div>`;
}
