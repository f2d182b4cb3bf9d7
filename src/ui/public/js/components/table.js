// Tables: a caption for screen readers, optional client-side text filter, optional row selection
// (checkboxes with labels), numeric columns right-aligned, and a "load more" for cursor paging.
import { useId, useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { EmptyState } from './feedback.js';

function cellText(column, row) {
  const raw = column.text ? column.text(row) : row[column.key];
  return raw === null || raw === undefined ? '' : String(raw);
}

export function DataTable({
  caption,
  columns,
  rows,
  rowKey = (row) => row.id,
  filterable = false,
  emptyTitle = 'Nothing here yet',
  emptyText,
  selection,
}) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle) return rows;
    return rows.filter((row) => columns.some((column) => cellText(column, row).toLowerCase().includes(needle)));
  }, [rows, filter, columns]);

  const allSelected = selection && visible.length > 0 && visible.every((row) => selection.selected.has(rowKey(row)));
  const toggleAll = () => selection.set(allSelected ? new Set() : new Set(visible.map(rowKey)));
  const toggle = (key) => {
    const next = new Set(selection.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    selection.set(next);
  };

  return html`<div class="table-block">
    ${
      filterable && rows.length > 0
        ? html`<div class="table-tools">
          <label for=${filterId}>Filter rows</label>
          <input id=${filterId} type="search" value=${filter} placeholder="Type to filter…" onInput=${(e) => setFilter(e.currentTarget.value)} />
          <span class="muted" aria-live="polite">${visible.length} of ${rows.length}</span>
        </div>`
        : null
    }
    ${
      visible.length === 0
        ? html`<${EmptyState} title=${filter ? 'No rows match the filter' : emptyTitle}>${filter ? null : emptyText}</${EmptyState}>`
        : html`<div class="table-scroll" tabindex="0" role="region" aria-label=${caption}>
          <table>
            <caption class="visually-hidden">${caption}</caption>
            <thead>
              <tr>
                ${
                  selection
                    ? html`<th scope="col" class="select-cell"><input type="checkbox" aria-label="Select all shown rows" checked=${allSelected} onChange=${toggleAll} /></th>`
                    : null
                }
                ${columns.map((column) => html`<th scope="col" class=${column.numeric ? 'numeric' : undefined}>${column.label}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${visible.map((row) => {
                const key = rowKey(row);
                return html`<tr key=${key}>
                  ${
                    selection
                      ? html`<td class="select-cell"><input type="checkbox" aria-label=${`Select ${selection.describe(row)}`}
                        checked=${selection.selected.has(key)} onChange=${() => toggle(key)} /></td>`
                      : null
                  }
                  ${columns.map((column) => html`<td class=${column.numeric ? 'numeric' : undefined}>${column.render ? column.render(row) : cellText(column, row) || '—'}</td>`)}
                </tr>`;
              })}
            </tbody>
          </table>
        </div>`
    }
  </div>`;
}

export function LoadMore({ nextCursor, busy, onMore }) {
  if (!nextCursor) return null;
  return html`<p class="load-more"><button type="button" class="button" disabled=${busy} onClick=${onMore}>${busy ? 'Loading…' : 'Load more'}</button></p>`;
}

/** A link that downloads a CSV export of what the table shows (same filters, all pages). */
export function CsvLink({ href, children = 'Download CSV' }) {
  return html`<a class="button button-quiet" href=${href} download>${children}</a>`;
}
