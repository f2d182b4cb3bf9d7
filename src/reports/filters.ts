// The filters every report shares (period, SKU, channel) and the SQL they turn into. Values always
// travel as bind parameters; only column names written here are spliced into the text.
import { z } from 'zod';

const MAX_PAGE = 1_000;

// A period bound PostgreSQL can read back: past year 9999 toISOString() writes "+010000-…", which
// the database refuses mid-query (a CSV export then broke off after its headers were sent).
const PeriodBound = z.coerce
  .date()
  .min(new Date('1970-01-01T00:00:00.000Z'), 'must be 1970-01-01 or later')
  .max(new Date('9999-12-31T23:59:59.999Z'), 'must be 9999-12-31 or earlier');

export const ReportFilter = z
  .object({
    /** Inclusive start of the period (ISO date or date-time). */
    from: PeriodBound.optional(),
    /** Exclusive end of the period. */
    to: PeriodBound.optional(),
    sku: z.string().trim().min(1).max(255).optional(),
    connectionId: z.uuid().optional(),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from < filter.to, { message: 'from must be before to', path: ['from'] });
export type ReportFilter = z.infer<typeof ReportFilter>;

export const PageQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** Collects bind parameters; `add` returns the placeholder for the next one. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `where` text for a period/SKU/channel filter on the given columns (each may be absent). */
export function filterConditions(
  filter: ReportFilter,
  columns: { at?: string; sku?: string; connectionId?: string },
  params: SqlParams,
): string[] {
  const conditions: string[] = [];
  if (filter.from && columns.at) conditions.push(`${columns.at} >= ${utcParam(params.add(filter.from.toISOString()))}`);
  if (filter.to && columns.at) conditions.push(`${columns.at} < ${utcParam(params.add(filter.to.toISOString()))}`);
  if (filter.sku && columns.sku) conditions.push(`${columns.sku} = ${params.add(filter.sku)}`);
  if (filter.connectionId && columns.connectionId) conditions.push(`${columns.connectionId} = ${params.add(filter.connectionId)}::uuid`);
  return conditions;
}

// Prisma stores DateTime as UTC in `timestamp(3)` (no zone). Converting explicitly on the way in
// and out keeps raw SQL right whatever the server's or the process's time zone is.
/** A bound ISO instant as a UTC `timestamp`. */
export function utcParam(placeholder: string): string {
  return `(${placeholder}::timestamptz at time zone 'UTC')`;
}

/** A UTC `timestamp` column read back as an instant (node-pg then builds the right Date). */
export function utcColumn(column: string): string {
  return `(${column} at time zone 'UTC')`;
}

export function whereSql(conditions: string[]): string {
  return conditions.length === 0 ? '' : `where ${conditions.join(' and ')}`;
}

/** Keyset cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  /** Read by the HTTP error plugin: a bad cursor is the client's mistake. */
  readonly statusCode = 400;
  override readonly name = 'InvalidCursorError';
}

/** What each part of a sort key must look like, so a tampered cursor is a 400, not a SQL error. */
export type KeyPart = 'time' | 'bigint' | 'uuid' | 'text';

const KEY_PART_SCHEMAS: Record<KeyPart, z.ZodType<string>> = {
  time: z.iso.datetime(),
  bigint: z.string().regex(/^\d{1,19}$/),
  uuid: z.uuid(),
  text: z.string().max(1_000),
};

export function decodeCursor(cursor: string, parts: readonly KeyPart[] | number): string[] {
  const invalid = () => new InvalidCursorError('cursor is not one this API returned');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const types: readonly KeyPart[] = typeof parts === 'number' ? Array.from({ length: parts }, () => 'text') : parts;
  if (!Array.isArray(parsed) || parsed.length !== types.length) throw invalid();
  return parsed.map((part, index) => {
    const text = typeof part === 'number' ? String(part) : part;
    if (typeof text !== 'string' || !KEY_PART_SCHEMAS[types[index] as KeyPart].safeParse(text).success) throw invalid();
    return text;
  });
}
