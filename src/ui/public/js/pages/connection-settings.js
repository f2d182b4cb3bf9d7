// The editable parts of a connection: channel policy, ERP settings and location mapping.
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/feedback.js';
import { CheckboxField, Field, SelectField, SubmitButton } from '../components/forms.js';
import { html } from '../lib/html.js';
import { policyBody, validatePolicy } from './connection-rules.js';
import { PolicyFields, policyForm } from './policy-fields.js';

function useSaver(onSave) {
  const [state, setState] = useState({ busy: false, error: null });
  const run = async (body) => {
    setState({ busy: true, error: null });
    try {
      await onSave(body);
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return { ...state, run };
}

export function PolicyForm({ connection, editable, onSave }) {
  const [form, setForm] = useState(() => policyForm(connection.settings));
  const [errors, setErrors] = useState({});
  const saver = useSaver(onSave);
  const set = (field) => (value) => setForm({ ...form, [field]: value });
  const submit = (event) => {
    event.preventDefault();
    const found = validatePolicy(form);
    setErrors(found);
    if (Object.keys(found).length === 0) void saver.run({ settings: policyBody(form) });
  };
  return html`<form class="card form" onSubmit=${submit} novalidate>
    <h2>Channel policy</h2>
    <fieldset disabled=${!editable} class="plain">
      <${PolicyFields} form=${form} set=${set} errors=${{ ...errors, ...saver.error?.fieldErrors?.() }} />
    </fieldset>
    <${ErrorNotice} error=${saver.error} title="Not saved" />
    ${editable ? html`<div class="actions"><${SubmitButton} busy=${saver.busy} busyLabel="Saving…">Save policy</${SubmitButton}></div>` : null}
  </form>`;
}

export function ErpSettingsForm({ connection, editable, onSave }) {
  const settings = connection.settings ?? {};
  const [movementPolicy, setMovementPolicy] = useState(settings.movementPolicy ?? 'post-movements');
  const [subtractReserved, setSubtractReserved] = useState(settings.quantityBasis?.subtractReserved ?? true);
  const [includeIncoming, setIncludeIncoming] = useState(settings.quantityBasis?.includeIncoming ?? false);
  const saver = useSaver(onSave);
  const submit = (event) => {
    event.preventDefault();
    void saver.run({ settings: { movementPolicy, quantityBasis: { subtractReserved, includeIncoming } } });
  };
  return html`<form class="card form" onSubmit=${submit} novalidate>
    <h2>ERP settings</h2>
    <fieldset disabled=${!editable} class="plain">
      <${SelectField} label="Store sales" name="movementPolicy" value=${movementPolicy} onValue=${setMovementPolicy} options=${[
        { value: 'post-movements', label: 'Post them to the ERP as stock movements' },
        { value: 'reserve-only', label: 'Only reserve them; the ERP imports orders itself' },
      ]} />
      <${CheckboxField} label="Subtract the ERP’s reserved quantity" name="subtractReserved" checked=${subtractReserved} onValue=${setSubtractReserved} />
      <${CheckboxField} label="Count incoming stock as available" name="includeIncoming" checked=${includeIncoming} onValue=${setIncludeIncoming} />
      <p class="hint">Warehouses reported by the ERP: ${(settings.warehouses ?? []).join(', ') || 'none yet (run a connection test)'}</p>
    </fieldset>
    <${ErrorNotice} error=${saver.error} title="Not saved" />
    ${editable ? html`<div class="actions"><${SubmitButton} busy=${saver.busy} busyLabel="Saving…">Save ERP settings</${SubmitButton}></div>` : null}
  </form>`;
}

/** Each store location and the ERP warehouses whose stock it sells. */
export function LocationMapping({ connection, warehouses, editable, onSave }) {
  const [rows, setRows] = useState(() => connection.locations.map((l) => ({ ...l, warehouseText: l.warehouseCodes.join(', ') })));
  const [error, setError] = useState('');
  const saver = useSaver(onSave);
  const update = (index, change) => setRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const toggleWarehouse = (index, code) => {
    const codes = new Set(rows[index].warehouseCodes);
    if (codes.has(code)) codes.delete(code);
    else codes.add(code);
    update(index, { warehouseCodes: [...codes].sort() });
  };
  const submit = (event) => {
    event.preventDefault();
    const locations = rows.map((row) => ({
      externalLocationId: row.externalLocationId,
      name: row.name,
      active: row.active,
      warehouseCodes:
        warehouses.length > 0
          ? row.warehouseCodes
          : row.warehouseText
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
    }));
    const unmapped = locations.filter((l) => l.active && l.warehouseCodes.length === 0).map((l) => l.name || l.externalLocationId);
    setError(unmapped.length > 0 ? `Choose at least one warehouse for: ${unmapped.join(', ')} (or make it inactive).` : '');
    if (unmapped.length === 0) void saver.run(locations);
  };

  return html`<form class="card form" onSubmit=${submit} novalidate>
    <h2>Locations ↔ warehouses</h2>
    <p class="hint">Each active store location sells the stock of the ERP warehouses ticked for it.</p>
    ${rows.length === 0 ? html`<p class="muted">The store reported no locations yet. Run a connection test to fetch them.</p>` : null}
    ${rows.map(
      (row, index) => html`<fieldset class="location" disabled=${!editable}>
        <legend>${row.name || row.externalLocationId} <span class="muted">(${row.externalLocationId})</span></legend>
        <${CheckboxField} label="Sync this location" name=${`active-${index}`} checked=${row.active} onValue=${(active) => update(index, { active })} />
        ${
          warehouses.length > 0
            ? html`<div class="checkbox-row" role="group" aria-label=${`Warehouses for ${row.name || row.externalLocationId}`}>
              ${warehouses.map(
                (code) => html`<${CheckboxField} label=${code} name=${`wh-${index}-${code}`} checked=${row.warehouseCodes.includes(code)}
                  onValue=${() => toggleWarehouse(index, code)} />`,
              )}
            </div>`
            : html`<${Field} label="Warehouse codes (comma-separated)" name=${`warehouses-${index}`} value=${row.warehouseText}
              onValue=${(warehouseText) => update(index, { warehouseText })} hint="Connect the ERP to pick from its list." />`
        }
      </fieldset>`,
    )}
    ${error ? html`<p class="field-error" role="alert">${error}</p>` : null}
    <${ErrorNotice} error=${saver.error} title="Not saved" />
    ${editable && rows.length > 0 ? html`<div class="actions"><${SubmitButton} busy=${saver.busy} busyLabel="Saving…">Save mapping</${SubmitButton}></div>` : null}
  </form>`;
}
