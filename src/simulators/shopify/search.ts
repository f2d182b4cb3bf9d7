// A small part of Shopify's search syntax (shopify.dev/docs/api/usage/search-syntax), enough for
// the `query:` arguments we send: `field:value`, comparisons `field:>value` (>, >=, <, <=), quoted
// values, implicit AND between terms, `OR` between groups, `-field:value` negation, trailing `*`.
export type Searchable = Record<string, string | number | boolean | null | undefined>;

type Term = { field: string | null; op: ':' | '>' | '>=' | '<' | '<='; value: string; negate: boolean };

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const pattern = /\S*?(?:'[^']*'|"[^"]*")\S*|\S+/g;
  for (const match of query.matchAll(pattern)) tokens.push(match[0]);
  return tokens;
}

function parseTerm(token: string): Term {
  let text = token;
  let negate = false;
  if (text.startsWith('-')) {
    negate = true;
    text = text.slice(1);
  }
  const match = /^([A-Za-z_]+):(>=|<=|>|<)?(.*)$/.exec(text);
  const unquote = (value: string) => value.replace(/^(['"])(.*)\1$/, '$2');
  if (!match) return { field: null, op: ':', value: unquote(text), negate };
  return { field: (match[1] as string).toLowerCase(), op: (match[2] as Term['op']) ?? ':', value: unquote(match[3] ?? ''), negate };
}

function compare(actual: string | number | boolean, expected: string): number {
  if (typeof actual === 'number') return actual - Number(expected);
  const a = Date.parse(String(actual));
  const b = Date.parse(expected);
  if (!Number.isNaN(a) && !Number.isNaN(b) && /\d{4}-\d{2}-\d{2}/.test(expected)) return a - b;
  return String(actual).localeCompare(expected);
}

function matches(term: Term, record: Searchable): boolean {
  const values = term.field === null ? Object.values(record) : [record[term.field]];
  const hit = values.some((actual) => {
    if (actual === null || actual === undefined) return false;
    if (term.op !== ':') {
      const order = compare(actual, term.value);
      return term.op === '>' ? order > 0 : term.op === '>=' ? order >= 0 : term.op === '<' ? order < 0 : order <= 0;
    }
    const text = String(actual).toLowerCase();
    const wanted = term.value.toLowerCase();
    if (wanted.endsWith('*')) return text.startsWith(wanted.slice(0, -1));
    return term.field === null ? text.includes(wanted) : text === wanted;
  });
  return term.negate ? !hit : hit;
}

export function parseSearch(query: string | null | undefined): (record: Searchable) => boolean {
  if (!query?.trim()) return () => true;
  const groups: Term[][] = [[]];
  for (const token of tokenize(query)) {
    if (token === 'OR') groups.push([]);
    else if (token !== 'AND') groups[groups.length - 1]?.push(parseTerm(token));
  }
  return (record) => groups.some((group) => group.every((term) => matches(term, record)));
}
