// CSV for accountants' spreadsheets (RFC 4180): every export streams rows as they are read, so a
// million-row ledger costs one page of memory, never the whole file.
import { Readable } from 'node:stream';

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

export type CsvColumn<Row> = { header: string; value: (row: Row) => CsvValue };

// A cell a spreadsheet would evaluate as a formula (=HYPERLINK(...), +cmd|..., -2+3, @SUM) is
// defused with a leading quote (OWASP "CSV injection"). Tab and CR starts are treated the same way.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-guarded text, quoted when it holds a comma, quote or line break. */
export function csvCell(value: CsvValue): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  // Numbers we produce (quantities, deltas, decimal amounts as text) keep their sign: a negative
  // delta is data, not a formula. Free text from platforms and users is guarded.
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CRLF-terminated record. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A byte stream of the header and one line per row, pulled from `rows` only as fast as the
 * consumer reads (Readable.from honours backpressure). A UTF-8 BOM first makes Excel read
 * non-ASCII SKUs correctly.
 */
export function csvStream<Row>(columns: readonly CsvColumn<Row>[], rows: AsyncIterable<Row[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(columns.map((column) => column.header))}`;
    for await (const page of rows) {
      if (page.length === 0) continue;
      yield page.map((row) => csvLine(columns.map((column) => column.value(row)))).join('');
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
