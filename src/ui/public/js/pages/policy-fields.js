// The per-channel knobs shared by the "connect" form and a connection's settings page.
import { Field, SelectField } from '../components/forms.js';
import { html } from '../lib/html.js';

export function PolicyFields({ form, set, errors }) {
  return html`<fieldset class="group">
    <legend>Stock offered to this channel</legend>
    <div class="grid-3">
      <${Field} label="Safety buffer (units)" name="bufferQuantity" inputMode="numeric" value=${form.bufferQuantity} onValue=${set('bufferQuantity')}
        error=${errors.bufferQuantity} hint="Held back from this store: it shows available − buffer, never below 0." />
      <${Field} label="Cap (units)" name="capQuantity" inputMode="numeric" value=${form.capQuantity} onValue=${set('capQuantity')}
        error=${errors.capQuantity} hint="Never show more than this. Empty: no cap." />
      <${Field} label="Allocation (%)" name="allocationPercent" inputMode="numeric" value=${form.allocationPercent} onValue=${set('allocationPercent')}
        error=${errors.allocationPercent} hint="Share of available stock offered here. Empty: all of it." />
    </div>
    <${SelectField} label="When someone edits stock in the store’s own admin" name="manualEditPolicy" value=${form.manualEditPolicy}
      onValue=${set('manualEditPolicy')}
      options=${[
        { value: 'erp-wins', label: 'Put it back to our target (ERP wins, audited)' },
        { value: 'store-adjusts', label: 'Treat it as a stock adjustment in the ERP' },
      ]} />
  </fieldset>`;
}

/** The form state for a connection's settings as stored. */
export function policyForm(settings = {}) {
  return {
    bufferQuantity: String(settings.bufferQuantity ?? 0),
    capQuantity: settings.capQuantity === null || settings.capQuantity === undefined ? '' : String(settings.capQuantity),
    allocationPercent:
      settings.allocationPercent === null || settings.allocationPercent === undefined ? '' : String(settings.allocationPercent),
    manualEditPolicy: settings.manualEditPolicy ?? 'erp-wins',
  };
}
