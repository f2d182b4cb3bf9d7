import type { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvStream } from '../../src/reports/csv.js';

/** A minimal RFC 4180 reader, to prove what we write reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += char;
  }
  return rows;
}

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\r\nreturn', '"carriage\r\nreturn"'],
    ['ÄÖÜ-€-日本-🧦', 'ÄÖÜ-€-日本-🧦'],
    ['', ''],
  ])('%j is written as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+cmd|calc', "'+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
  ])('a formula-looking cell %j is defused with a leading quote', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('numbers we produce keep their sign and digits: negative deltas and decimal amounts are data', () => {
    expect(csvLine([-3, '-59.9700', '19.9900', 0, null, undefined, true])).toBe('-3,-59.9700,19.9900,0,,,true\r\n');
    expect(csvCell(new Date('2026-03-01T10:15:00.123Z'))).toBe('2026-03-01T10:15:00.123Z');
    expect(csvCell(12345678901234567890n)).toBe('12345678901234567890');
  });

  it('any text round-trips through a CSV reader (formula guard aside)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (cells) => {
        const parsed = parseCsv(csvLine(cells));
        expect(parsed).toHaveLength(1);
        const expected = cells.map((cell) => (/^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell) ? `'${cell}` : cell));
        expect(parsed[0]).toEqual(expected);
      }),
    );
  });
});

describe('CSV streams', () => {
  it('start with a BOM and a header, then one line per row', async () => {
    async function* pages() {
      yield [{ sku: 'A,1', quantity: 3 }];
      yield [];
      yield [{ sku: 'ß-"x"', quantity: -1 }];
    }
    const stream = csvStream(
      [
        { header: 'sku', value: (row: { sku: string; quantity: number }) => row.sku },
        { header: 'quantity', value: (row) => row.quantity },
      ],
      pages(),
    );
    const text = Buffer.concat(await stream.toArray()).toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text.slice(1))).toEqual([
      ['sku', 'quantity'],
      ['A,1', '3'],
      ['ß-"x"', '-1'],
    ]);
  });

  it('pull pages only as the reader consumes them (no buffering of the whole file)', async () => {
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 1;
        yield Array.from({ length: 100 }, (_, index) => ({ n: produced * 1000 + index }));
      }
    }
    const stream: Readable = csvStream([{ header: 'n', value: (row: { n: number }) => row.n }], endless());
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const producedAfterTwoReads = produced;
    // Readable.from reads ahead of the consumer only up to its highWaterMark: an endless source
    // that still answers proves nothing waits for the end of the data.
    expect(producedAfterTwoReads).toBeLessThan(40);
    stream.destroy();
  });
});
