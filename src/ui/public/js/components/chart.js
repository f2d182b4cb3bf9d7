// Charts as inline SVG, drawn here (no library, nothing from a CDN). Each chart has a title and a
// text summary for screen readers, a tooltip per point, and its numbers in a table on request.
import { html } from '../lib/html.js';

const WIDTH = 560;
const HEIGHT = 240;
const PAD = { top: 14, right: 12, bottom: 30, left: 60 };

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) so that four steps cover `value`. */
function niceStep(value) {
  if (value <= 0) return 1;
  const rough = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 2.5, 5, 10].find((s) => s * magnitude >= rough) ?? 10) * magnitude;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * series: [{ name, points: [{ x: Date|string, y: number }] }] sharing the same x values.
 * type: 'line' or 'bar' (bars for the first series only); `integer` keeps the axis on whole numbers.
 */
export function TimeChart({ title, summary, series, type = 'line', format = (v) => String(v), yLabel, integer = false }) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => new Date(p.x).getTime())))].sort((a, b) => a - b);
  if (xs.length === 0)
    return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">No data for this period.</p></figure>`;
  const highest = Math.max(0, ...series.flatMap((s) => s.points.map((p) => Number(p.y) || 0)));
  const step = integer ? Math.max(1, Math.ceil(niceStep(highest))) : niceStep(highest);
  const yMax = step * Math.max(1, Math.ceil(highest / step));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // Each day owns an equal band; points and bars sit in its middle, so none touches the edges.
  const band = plotW / xs.length;
  const xAt = (i) => PAD.left + band * (i + 0.5);
  const yAt = (v) => PAD.top + plotH - (Math.max(0, v) / yMax) * plotH;
  const ticks = Array.from({ length: Math.round(yMax / step) + 1 }, (_, i) => i * step);
  const labelEvery = Math.max(1, Math.ceil(xs.length / 7));
  const barW = Math.max(3, Math.min(36, band * 0.6));
  const indexOf = (x) => xs.indexOf(new Date(x).getTime());

  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${`${title}. ${summary ?? ''}`} preserveAspectRatio="xMidYMid meet">
      ${ticks.map(
        (t) => html`<g>
          <line class="chart-grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${yAt(t)} y2=${yAt(t)} />
          <text class="chart-axis" x=${PAD.left - 6} y=${yAt(t) + 4} text-anchor="end">${format(t)}</text>
        </g>`,
      )}
      ${xs.map((x, i) =>
        i % labelEvery === 0
          ? html`<text class="chart-axis" x=${xAt(i)} y=${HEIGHT - 8} text-anchor="middle">${dayLabel.format(new Date(x))}</text>`
          : null,
      )}
      ${yLabel ? html`<text class="chart-axis" x="4" y=${PAD.top + 4}>${yLabel}</text>` : null}
      ${
        type === 'bar'
          ? (series[0]?.points ?? []).map(
              (p) => html`<rect class="chart-bar series-0" x=${xAt(indexOf(p.x)) - barW / 2} y=${yAt(Number(p.y))} width=${barW}
                height=${Math.max(0, PAD.top + plotH - yAt(Number(p.y)))}><title>${dayLabel.format(new Date(p.x))}: ${format(Number(p.y))}</title></rect>`,
            )
          : series.map(
              (s, si) => html`<g>
              <polyline class=${`chart-line series-${si}`} fill="none"
                points=${s.points.map((p) => `${xAt(indexOf(p.x))},${yAt(Number(p.y))}`).join(' ')} />
              ${s.points.map(
                (p) => html`<circle class=${`chart-dot series-${si}`} cx=${xAt(indexOf(p.x))} cy=${yAt(Number(p.y))} r="3">
                  <title>${s.name}, ${dayLabel.format(new Date(p.x))}: ${format(Number(p.y))}</title>
                </circle>`,
              )}
            </g>`,
            )
      }
    </svg>
    ${
      series.length > 1 || type === 'line'
        ? html`<ul class="chart-legend">${series.map((s, si) => html`<li><span class=${`swatch series-${si}`} aria-hidden="true"></span>${s.name}</li>`)}</ul>`
        : null
    }
    <details class="chart-data">
      <summary>Show the numbers</summary>
      <table>
        <thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col" class="numeric">${s.name}</th>`)}</tr></thead>
        <tbody>
          ${xs.map(
            (x) =>
              html`<tr><td>${dayLabel.format(new Date(x))}</td>${series.map((s) => {
                const point = s.points.find((p) => new Date(p.x).getTime() === x);
                return html`<td class="numeric">${point ? format(Number(point.y)) : '—'}</td>`;
              })}</tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
