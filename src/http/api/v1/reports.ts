// Reports for accountants (every role may read): JSON pages for the UI and streamed CSV exports
// of the same rows. Filters: from/to (period), sku, connectionId (channel).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_COLUMNS } from '../../../reports/audit-report.js';
import { CHANNEL_TOTAL_COLUMNS } from '../../../reports/channel-totals-report.js';
import { type CsvColumn, csvStream } from '../../../reports/csv.js';
import { DISCREPANCY_COLUMNS } from '../../../reports/discrepancy-report.js';
import { PageQuery, ReportFilter } from '../../../reports/filters.js';
import { allPages, fetchPage, type KeysetSource } from '../../../reports/keyset.js';
import { LEDGER_COLUMNS } from '../../../reports/ledger-report.js';
import type { Reports } from '../../../reports/reports.js';
import { RUN_COLUMNS } from '../../../reports/runs-report.js';
import { STALE_COLUMNS } from '../../../reports/stale-skus.js';
import { csvHeaders } from './reconciliations.js';

const tags = ['reports'];
const FilteredPage = z.intersection(ReportFilter, PageQuery);
const StaleQuery = PageQuery.extend({ sku: z.string().trim().min(1).max(255).optional(), connectionId: z.uuid().optional() });
const TopQuery = z.intersection(ReportFilter, z.object({ top: z.coerce.number().int().min(1).max(1_000).default(50) }));

/** A name for the file that says what is in it: the report and its period. */
function fileName(report: string, filter: ReportFilter): string {
  const day = (date: Date | undefined) => (date ? date.toISOString().slice(0, 10) : 'all');
  return `${report}_${day(filter.from)}_${day(filter.to)}.csv`;
}

export async function reportRoutes(app: FastifyInstance, options: { reports: Reports }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { reports } = options;

  /** GET /reports/<name> (a page) and GET /reports/<name>.csv (every row, streamed). */
  function pagedReport<Row>(name: string, summary: string, source: (filter: ReportFilter) => KeysetSource<Row>, columns: CsvColumn<Row>[]) {
    api.get(`/reports/${name}`, { schema: { tags, summary, querystring: FilteredPage } }, async (request) => {
      const { cursor, limit, ...filter } = request.query;
      return fetchPage(source(filter), { cursor, limit });
    });
    api.get(
      `/reports/${name}.csv`,
      { schema: { tags, summary: `${summary} (CSV, streamed)`, querystring: ReportFilter } },
      async (request, reply) =>
        reply.headers(csvHeaders(fileName(name, request.query))).send(csvStream(columns, allPages(source(request.query)))),
    );
  }

  pagedReport('movements', 'Movement ledger for a period', reports.movements, LEDGER_COLUMNS);
  pagedReport('audit', 'Audit trail for a period', reports.audit, AUDIT_COLUMNS);

  api.get('/reports/runs', { schema: { tags, summary: 'Reconciliation runs over time', querystring: FilteredPage } }, async (request) => {
    const { cursor, limit, ...filter } = request.query;
    const [days, runs] = await Promise.all([reports.runsPerDay(filter), fetchPage(reports.runs(filter), { cursor, limit })]);
    return { days, runs };
  });
  api.get(
    '/reports/runs.csv',
    { schema: { tags, summary: 'Reconciliation runs (CSV, streamed)', querystring: ReportFilter } },
    async (request, reply) =>
      reply.headers(csvHeaders(fileName('runs', request.query))).send(csvStream(RUN_COLUMNS, allPages(reports.runs(request.query)))),
  );

  api.get(
    '/reports/discrepancies',
    { schema: { tags, summary: 'Discrepancies by channel and by SKU', querystring: TopQuery } },
    async (request) => {
      const { top, ...filter } = request.query;
      const [byChannel, bySku] = await Promise.all([reports.discrepanciesByChannel(filter), reports.discrepanciesBySku(filter, top)]);
      return { byChannel, bySku };
    },
  );
  api.get(
    '/reports/discrepancies.csv',
    { schema: { tags, summary: 'Discrepancy rows (CSV, streamed)', querystring: ReportFilter } },
    async (request, reply) =>
      reply
        .headers(csvHeaders(fileName('discrepancies', request.query)))
        .send(csvStream(DISCREPANCY_COLUMNS, allPages(reports.discrepancies(request.query)))),
  );

  api.get(
    '/reports/channel-totals',
    { schema: { tags, summary: 'Totals per channel for a period', querystring: ReportFilter } },
    async (request) => ({
      items: await reports.channelTotals(request.query),
    }),
  );
  api.get(
    '/reports/channel-totals.csv',
    { schema: { tags, summary: 'Totals per channel (CSV)', querystring: ReportFilter } },
    async (request, reply) => {
      const rows = await reports.channelTotals(request.query);
      async function* once() {
        yield rows;
      }
      return reply.headers(csvHeaders(fileName('channel-totals', request.query))).send(csvStream(CHANNEL_TOTAL_COLUMNS, once()));
    },
  );

  api.get(
    '/reports/stale-skus',
    { schema: { tags, summary: 'SKU/channel pairs out of sync past the SLA', querystring: StaleQuery } },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const source = reports.staleSkus(filter);
      return { slaMs: source.slaMs, ...(await fetchPage(source, { cursor, limit })) };
    },
  );
  api.get(
    '/reports/stale-skus.csv',
    { schema: { tags, summary: 'Stale SKUs (CSV, streamed)', querystring: StaleQuery.omit({ cursor: true, limit: true }) } },
    async (request, reply) =>
      reply.headers(csvHeaders('stale-skus.csv')).send(csvStream(STALE_COLUMNS, allPages(reports.staleSkus(request.query)))),
  );
}
