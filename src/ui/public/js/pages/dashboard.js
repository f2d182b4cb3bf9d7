// The overview: is everything connected and in step, and is anything waiting for a person?
import { Loading, PageHeader, Stat, StatusBadge } from '../components/feedback.js';
import { formatAgo, formatMoney, formatNumber } from '../lib/format.js';
import { useApi, usePolling } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { QueueHealth } from './queue-health.js';

function ConnectionsSummary() {
  const state = useApi('/api/v1/connections');
  return html`<div class="card">
    <div class="card-header"><h2>Connections</h2><${Link} href="/connections">Open</${Link}></div>
    <${Loading} state=${state}>
      ${({ connections }) => {
        const broken = connections.filter((c) => c.status === 'error');
        const paused = connections.filter((c) => c.paused);
        return html`<div class="stats">
            <${Stat} label="Connected" value=${formatNumber(connections.length)} />
            <${Stat} label="Failing" value=${formatNumber(broken.length)} tone=${broken.length ? 'bad' : 'good'} />
            <${Stat} label="Paused" value=${formatNumber(paused.length)} tone=${paused.length ? 'warn' : undefined} />
          </div>
          <ul class="plain-list">
            ${connections
              .slice(0, 6)
              .map(
                (c) =>
                  html`<li><${Link} href=${`/connections/${c.id}`}>${c.name}</${Link}> <${StatusBadge} status=${c.paused ? 'paused' : c.status} /></li>`,
              )}
          </ul>`;
      }}
    </${Loading}>
  </div>`;
}

function LatestRun() {
  const state = useApi('/api/v1/reconciliations', { limit: 1 });
  const run = state.data?.items?.[0];
  usePolling(state.reload, 3000, run ? run.status === 'queued' || run.status === 'running' : false);
  return html`<div class="card">
    <div class="card-header"><h2>Latest reconciliation</h2><${Link} href="/reconciliations">Open</${Link}></div>
    <${Loading} state=${state}>
      ${() =>
        run
          ? html`<p><${Link} href=${`/reconciliations/${run.id}`}>${formatAgo(run.createdAt)}</${Link}> <${StatusBadge} status=${run.status} /></p>
              ${
                run.status === 'completed'
                  ? html`<div class="stats">
                    <${Stat} label="Discrepancies" value=${formatNumber(run.totals?.discrepancies)} tone=${run.totals?.discrepancies ? 'warn' : 'good'} />
                    <${Stat} label="Net value" value=${formatMoney(run.totals?.valueNet)} />
                  </div>`
                  : null
              }`
          : html`<p class="muted">No run yet.</p>`}
    </${Loading}>
  </div>`;
}

/** What a person should look at: open dead letters and SKUs out of sync past the SLA. */
function NeedsAttention() {
  const can = useCan();
  const dead = useApi(can('GET /api/v1/dead-letters') ? '/api/v1/dead-letters' : null, { status: 'open', limit: 100 });
  const stale = useApi(can('GET /api/v1/reports/stale-skus') ? '/api/v1/reports/stale-skus' : null, { limit: 100 });
  const count = (rows) => (rows === undefined ? '…' : rows.length >= 100 ? '100+' : formatNumber(rows.length));
  const deadRows = dead.data?.deadLetters;
  const staleRows = stale.data?.items;
  return html`<div class="card">
    <h2>Needs attention</h2>
    <div class="stats">
      ${
        can('GET /api/v1/dead-letters')
          ? html`<${Stat} label=${html`<${Link} href="/dead-letters">Open dead letters</${Link}>`} value=${count(deadRows)} tone=${deadRows?.length ? 'bad' : 'good'} />`
          : null
      }
      ${
        can('GET /api/v1/reports/stale-skus')
          ? html`<${Stat} label=${html`<${Link} href="/skus">Out of sync past the SLA</${Link}>`} value=${count(staleRows)} tone=${staleRows?.length ? 'warn' : 'good'} />`
          : null
      }
    </div>
  </div>`;
}

export function DashboardPage() {
  const session = useSession();
  const can = useCan();
  return html`<section>
    <${PageHeader} title="Overview" subtitle=${`Signed in as ${session.user.name || session.user.email} (${session.user.role}).`} />
    <div class="columns">
      ${can('GET /api/v1/connections') ? html`<${ConnectionsSummary} />` : null}
      ${can('GET /api/v1/queues') ? html`<${QueueHealth} compact />` : null}
      ${can('GET /api/v1/dead-letters') || can('GET /api/v1/reports/stale-skus') ? html`<${NeedsAttention} />` : null}
      ${can('GET /api/v1/reconciliations') ? html`<${LatestRun} />` : null}
    </div>
  </section>`;
}
