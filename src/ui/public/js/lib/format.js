// How numbers, money, dates and platform answers read in the UI.

const number = new Intl.NumberFormat(undefined);
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatNumber = (value) => (value === null || value === undefined || value === '' ? '—' : number.format(Number(value)));

/** Values arrive as decimal strings (never floats on the server); shown with two decimals. */
export const formatMoney = (value) => (value === null || value === undefined || value === '' ? '—' : money.format(Number(value)));

export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

export function formatAgo(value, now = Date.now()) {
  if (!value) return 'never';
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

const TEST_WORDS = {
  ok: 'Connected',
  auth_failed: 'The platform refused the credentials (wrong or revoked token/key)',
  forbidden: 'The credentials work but lack a permission we need',
  not_found: 'The platform does not know this shop or site',
  unreachable: 'Could not reach the platform (DNS, network or firewall)',
  tls_error: 'The secure (TLS) connection failed: certificate problem',
  invalid_response: 'The address answered, but not like the platform’s API',
};

/** A connection test's outcome in plain words, with the platform's own message beside it. */
export function describeTest(test) {
  if (!test) return { ok: false, headline: 'Not tested yet', detail: '' };
  return { ok: test.outcome === 'ok', headline: TEST_WORDS[test.outcome] ?? test.outcome, detail: test.detail ?? '' };
}

export const KIND_LABELS = { shopify: 'Shopify', woocommerce: 'WooCommerce', erp: 'ERP' };
export const ERP_LABELS = { 'generic-rest': 'Generic REST', erpnext: 'ERPNext', odoo: 'Odoo' };

export function connectionLabel(connection) {
  if (!connection) return '—';
  return connection.name;
}

/** "channel_high" → "Channel high". */
export const humanize = (value) =>
  value
    ? String(value)
        .replaceAll('_', ' ')
        .replace(/^./, (c) => c.toUpperCase())
    : '—';
