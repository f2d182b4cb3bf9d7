// Tabs with the ARIA pattern: arrow keys move between tabs, only the active panel is shown.
import { useId, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';

export function Tabs({ label, tabs, active, onChange, children }) {
  const id = useId();
  const refs = useRef([]);
  const onKeyDown = (event, index) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = (index + step + tabs.length) % tabs.length;
    onChange(tabs[next].value);
    refs.current[next]?.focus();
  };
  return html`<div class="tabs">
    <div role="tablist" aria-label=${label}>
      ${tabs.map(
        (tab, index) => html`<button type="button" role="tab" id=${`${id}-tab-${tab.value}`} aria-controls=${`${id}-panel`}
          aria-selected=${tab.value === active ? 'true' : 'false'} tabindex=${tab.value === active ? 0 : -1}
          ref=${(el) => (refs.current[index] = el)} onClick=${() => onChange(tab.value)} onKeyDown=${(e) => onKeyDown(e, index)}>${tab.label}</button>`,
      )}
    </div>
    <div role="tabpanel" id=${`${id}-panel`} aria-labelledby=${`${id}-tab-${active}`} tabindex="0">${children}</div>
  </div>`;
}
