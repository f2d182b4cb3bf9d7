import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectJson } from '../../src/inbox/json-inspect.js';

const inspect = (text: string | Buffer, fields: string[] = ['id', 'date_modified_gmt'], maxDepth = 64) => {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return inspectJson(body, { maxDepth, fields });
};

describe('inspectJson', () => {
  it('reads top-level ids as their exact source text, above 2^53', () => {
    const result = inspect('{"id":271878346596884015,"line_items":[{"id":1}],"date_modified_gmt":"2026-04-01T10:00:00"}');
    expect(result).toEqual({
      outcome: 'ok',
      fields: new Map([
        ['id', '271878346596884015'],
        ['date_modified_gmt', '2026-04-01T10:00:00'],
      ]),
    });
  });

  it('ignores nested fields of the same name and keeps the last duplicate top-level key, as JSON.parse does', () => {
    const result = inspect('{"child":{"id":5},"id":1,"id":2}');
    expect(result.outcome === 'ok' && result.fields.get('id')).toBe('2');
  });

  it('decodes escaped strings and skips brackets and quotes inside strings', () => {
    const result = inspect('{"note":"[[[{\\"id\\":9}","id":"a\\/b\\u00e9"}');
    expect(result.outcome === 'ok' && result.fields.get('id')).toBe('a/bé');
  });

  it('leaves out fields whose value is not a string or number', () => {
    const result = inspect('{"id":null,"date_modified_gmt":{"x":1}}');
    expect(result.outcome === 'ok' && [...result.fields.keys()]).toEqual([]);
  });

  it.each([
    ['5,000 nested arrays', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, 'too_deep'],
    ['nesting one past the limit', `{"a":${'['.repeat(64)}${']'.repeat(64)}}`, 'too_deep'],
    ['a __proto__ key', '{"a":{"__proto__":{}}}', 'forbidden_key'],
    ['an escaped __proto__ key', '{"\\u005f\\u005fproto__":1}', 'forbidden_key'],
    ['truncated JSON', '{"id":1', 'malformed_json'],
    ['an unterminated string', '{"id":"abc', 'malformed_json'],
    ['a bad escape in a key', '{"\\x":1}', 'malformed_json'],
    ['an empty body', '', 'malformed_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), 'malformed_json'],
    ['a top-level array', '[{"id":1}]', 'not_object'],
    ['a top-level string', '"id"', 'not_object'],
  ])('refuses %s', (_name, text, outcome) => {
    expect(inspect(text).outcome).toBe(outcome);
  });

  it.each([
    '01',
    '1.',
    '-',
    '1e',
    '{"a" 1}',
    '{"a":1 "b":2}',
    '[1,]',
    '{,}',
    '{"a":1,}',
    'tru',
    'nul',
    '{"a":tru}',
    '{"a":"tab\there"}',
    '{"a":"\\x41"}',
    '{"a":"\\u12G4"}',
    '{"a":1}}',
    '{} {}',
    '\uFEFF{}',
    "{'a':1}",
    '{"a":NaN}',
    '{"a":+1}',
    '{"a":.5}',
    '[',
    '{"a"',
    '{"a":',
  ])('finds %j malformed, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(inspect(text).outcome).toBe('malformed_json');
  });

  it('agrees with JSON.parse on validity for arbitrary and near-JSON text', () => {
    const nearJson = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', ' ', '0', '-', 'e', 'true', '\u0001'))
      .map(([json, at, insert]) => {
        const position = at % (json.length + 1);
        return json.slice(0, position) + insert + json.slice(position);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), nearJson), (text) => {
        fc.pre(!text.includes('proto'));
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const outcome = inspectJson(Buffer.from(text), { maxDepth: 10_000, fields: [] }).outcome;
        expect(outcome !== 'malformed_json').toBe(valid);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads the same top-level values JSON.parse does, exactly', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('id', 'x', 'date_modified_gmt'),
          fc.oneof(
            fc.string(),
            fc.integer(),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.json().map((j) => JSON.parse(j)),
          ),
        ),
        (object) => {
          const text = JSON.stringify(object);
          const result = inspect(text, ['id', 'date_modified_gmt']);
          expect(result.outcome).toBe('ok');
          for (const key of ['id', 'date_modified_gmt']) {
            const value = (object as Record<string, unknown>)[key];
            const expected = typeof value === 'string' ? value : typeof value === 'number' ? JSON.stringify(value) : undefined;
            expect(result.outcome === 'ok' ? result.fields.get(key) : 'not ok').toBe(expected);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('accepts nesting exactly at the limit and "__proto__" as a value', () => {
    expect(inspect(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`).outcome).toBe('ok');
    expect(inspect('{"note":"__proto__","k":["__proto__"]}').outcome).toBe('ok');
  });
});
