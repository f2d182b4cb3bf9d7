// Accessible form controls: every input has a <label>, hints and errors are tied to it with
// aria-describedby, and an invalid field says so (aria-invalid) right where the person looks.
import { useId } from 'preact/hooks';
import { html } from '../lib/html.js';

function describedBy(id, hint, error) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function Field({
  label,
  name,
  value,
  onValue,
  error,
  hint,
  type = 'text',
  required,
  autocomplete,
  placeholder,
  inputMode,
  min,
  max,
  secret,
}) {
  const id = `${useId()}-${name}`;
  return html`<div class=${`field${error ? ' field-invalid' : ''}`}>
    <label for=${id}>${label}${required ? html`<span class="required" aria-hidden="true"> *</span>` : null}</label>
    <input
      id=${id}
      name=${name}
      type=${type}
      value=${value ?? ''}
      required=${required}
      autocomplete=${autocomplete ?? (secret ? 'off' : undefined)}
      placeholder=${placeholder}
      inputmode=${inputMode}
      min=${min}
      max=${max}
      spellcheck=${secret ? false : undefined}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, error)}
      onInput=${(event) => onValue(event.currentTarget.value)}
    />
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

export function SelectField({ label, name, value, onValue, options, error, hint }) {
  const id = `${useId()}-${name}`;
  return html`<div class=${`field${error ? ' field-invalid' : ''}`}>
    <label for=${id}>${label}</label>
    <select id=${id} name=${name} value=${value} aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)}
      onChange=${(event) => onValue(event.currentTarget.value)}>
      ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
    </select>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

export function CheckboxField({ label, name, checked, onValue, hint }) {
  const id = `${useId()}-${name}`;
  return html`<div class="field field-checkbox">
    <input id=${id} name=${name} type="checkbox" checked=${checked} aria-describedby=${hint ? `${id}-hint` : undefined}
      onChange=${(event) => onValue(event.currentTarget.checked)} />
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
  </div>`;
}

/** A radio group in a fieldset, for choices such as the Shopify credential type. */
export function RadioGroup({ legend, name, value, onValue, options }) {
  return html`<fieldset class="radio-group">
    <legend>${legend}</legend>
    ${options.map(
      (option) => html`<label class="radio">
        <input type="radio" name=${name} value=${option.value} checked=${value === option.value} onChange=${() => onValue(option.value)} />
        <span><strong>${option.label}</strong>${option.hint ? html`<span class="hint">${option.hint}</span>` : null}</span>
      </label>`,
    )}
  </fieldset>`;
}

export function SubmitButton({ busy, children, busyLabel = 'Working…' }) {
  return html`<button type="submit" class="button button-primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
    ${busy ? busyLabel : children}
  </button>`;
}

/** Parses a whole-number input: '' → null, otherwise an integer or NaN (invalid). */
export function parseWholeNumber(text) {
  const trimmed = String(text ?? '').trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}
