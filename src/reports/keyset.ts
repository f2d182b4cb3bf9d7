// Keyset paging: every list and export walks its rows by a unique sort key, so page N costs the
// same as page 1 and an export streams one page at a time without holding a cursor open for the
// whole download.
import { decodeCursor, encodeCursor, type KeyPart, type PageQuery } from './filters.js';

export type SortKey = readonly (string | number)[];

export type KeysetSource<Row> = {
  /** Rows strictly after `after` (null: from the start), in key order, at most `limit`. */
  fetch(after: string[] | null, limit: number): Promise<Row[]>;
  keyOf(row: Row): SortKey;
  /** The type of each key part (validates cursors). */
  key: readonly KeyPart[];
};

export type Paged<Row> = { items: Row[]; nextCursor: string | null };

export async function fetchPage<Row>(source: KeysetSource<Row>, page: PageQuery): Promise<Paged<Row>> {
  const after = page.cursor ? decodeCursor(page.cursor, source.key) : null;
  // One extra row tells whether another page exists without a count query.
  const rows = await source.fetch(after, page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(source.keyOf(last)) : null };
}

/** Every row, page by page (for CSV exports). */
export async function* allPages<Row>(source: KeysetSource<Row>, pageSize = 1_000): AsyncGenerator<Row[]> {
  let after: string[] | null = null;
  for (;;) {
    const rows = await source.fetch(after, pageSize);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    after = source.keyOf(last).map(String);
  }
}
