// Checks a signed JSON body before it is stored, in one pass over its bytes, building nothing:
// - full RFC 8259 validity (UTF-8, grammar), without JSON.parse: the parsed object tree would be
//   thrown away, and at thousands of deliveries a second building it is the costliest step;
// - nesting depth: a 10 kB body of 5,000 nested arrays parses fine, then breaks JSON.stringify and
//   PostgreSQL's jsonb later on; it is refused here, iteratively, before anything recurses over it;
// - "__proto__" keys, in any escaped spelling: prototype-pollution bait for whoever merges it later;
// - the exact source text of a few top-level fields: Shopify ids exceed 2^53, and JSON.parse would
//   silently round them (271878346596884015 → 271878346596884000).
// A valid body holds no raw control bytes, so it is safe to store as PostgreSQL text. The loop is
// written for speed (numeric states, no allocation per token); test/inbox/json-inspect.test.ts
// checks it against JSON.parse on random input.
import { isUtf8 } from 'node:buffer';

export type JsonRejection = 'malformed_json' | 'not_object' | 'too_deep' | 'forbidden_key';

export type JsonInspection = { outcome: 'ok'; fields: Map<string, string> } | { outcome: JsonRejection };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FORBIDDEN_KEY = Buffer.from('__proto__');

// What the scanner expects next.
const VALUE = 0;
const VALUE_OR_CLOSE = 1; // right after [
const KEY = 2;
const KEY_OR_CLOSE = 3; // right after {
const COLON = 4;
const AFTER_VALUE = 5;

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isHex = (byte: number) => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);

/** One string token: where it ends (exclusive, -1 when invalid) and whether it has escapes. */
type Token = { end: number; escaped: boolean };

function scanString(body: Buffer, start: number, token: Token): void {
  const length = body.length;
  token.escaped = false;
  token.end = -1;
  let i = start + 1;
  while (i < length) {
    const byte = body[i] as number;
    if (byte === QUOTE) {
      token.end = i + 1;
      return;
    }
    if (byte === BACKSLASH) {
      token.escaped = true;
      const next = i + 1 < length ? (body[i + 1] as number) : -1;
      // \" \\ \/ \b \f \n \r \t, or \u and four hex digits
      if (
        next === 0x22 ||
        next === 0x5c ||
        next === 0x2f ||
        next === 0x62 ||
        next === 0x66 ||
        next === 0x6e ||
        next === 0x72 ||
        next === 0x74
      ) {
        i += 2;
      } else if (
        next === 0x75 &&
        i + 5 < length &&
        isHex(body[i + 2] as number) &&
        isHex(body[i + 3] as number) &&
        isHex(body[i + 4] as number) &&
        isHex(body[i + 5] as number)
      ) {
        i += 6;
      } else {
        return;
      }
    } else if (byte < 0x20) {
      return;
    } else {
      i++;
    }
  }
}

const byteAt = (body: Buffer, i: number) => (i < body.length ? (body[i] as number) : -1);

/** End (exclusive) of the number token opening at `start` (RFC 8259 §6), or -1. */
function scanNumber(body: Buffer, start: number): number {
  let i = start;
  if (byteAt(body, i) === 0x2d) i++;
  if (byteAt(body, i) === 0x30) i++;
  else if (isDigit(byteAt(body, i))) while (isDigit(byteAt(body, i))) i++;
  else return -1;
  if (byteAt(body, i) === 0x2e) {
    i++;
    if (!isDigit(byteAt(body, i))) return -1;
    while (isDigit(byteAt(body, i))) i++;
  }
  const exponent = byteAt(body, i);
  if (exponent === 0x65 || exponent === 0x45) {
    i++;
    const sign = byteAt(body, i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(byteAt(body, i))) return -1;
    while (isDigit(byteAt(body, i))) i++;
  }
  return i;
}

/** End (exclusive) of true, false or null at `start`, or -1. */
function scanLiteral(body: Buffer, start: number): number {
  const first = body[start];
  const word = first === 0x74 ? 'true' : first === 0x66 ? 'false' : first === 0x6e ? 'null' : null;
  if (word === null || start + word.length > body.length) return -1;
  return body.toString('latin1', start, start + word.length) === word ? start + word.length : -1;
}

function decodeString(body: Buffer, token: Token, start: number): string {
  // The token was validated, so JSON.parse of this one string cannot throw.
  return token.escaped ? (JSON.parse(body.toString('utf8', start, token.end)) as string) : body.toString('utf8', start + 1, token.end - 1);
}

function isForbiddenKey(body: Buffer, token: Token, start: number): boolean {
  if (token.escaped) return decodeString(body, token, start) === '__proto__';
  return (
    token.end - start - 2 === FORBIDDEN_KEY.length &&
    body[start + 1] === 0x5f && // "_": most nine-character keys stop here, before the native call
    body.compare(FORBIDDEN_KEY, 0, FORBIDDEN_KEY.length, start + 1, token.end - 1) === 0
  );
}

export function inspectJson(body: Buffer, options: { maxDepth: number; fields: readonly string[] }): JsonInspection {
  const malformed = { outcome: 'malformed_json' } as const;
  if (!isUtf8(body)) return malformed;
  const length = body.length;
  const fields = new Map<string, string>();
  const token: Token = { end: -1, escaped: false };
  const inArray = new Uint8Array(options.maxDepth + 1); // per open container: 1 for [, 0 for {
  let depth = 0;
  let expect = VALUE;
  let pendingField: string | null = null; // a wanted top-level key whose value comes next
  let rootIsObject = false;
  let i = 0;
  for (;;) {
    let byte = -1;
    while (i < length) {
      byte = body[i] as number;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
      byte = -1;
      i++;
    }
    if (expect === AFTER_VALUE) {
      if (depth === 0) return byte !== -1 ? malformed : rootIsObject ? { outcome: 'ok', fields } : { outcome: 'not_object' };
      const array = inArray[depth - 1] === 1;
      if (byte === 0x2c) expect = array ? VALUE : KEY;
      else if (byte === (array ? 0x5d : 0x7d)) depth--;
      else return malformed;
      i++;
    } else if (expect === COLON) {
      if (byte !== 0x3a) return malformed;
      expect = VALUE;
      i++;
    } else if (expect === KEY || expect === KEY_OR_CLOSE) {
      if (expect === KEY_OR_CLOSE && byte === 0x7d) {
        depth--;
        expect = AFTER_VALUE;
        i++;
        continue;
      }
      if (byte !== QUOTE) return malformed;
      scanString(body, i, token);
      if (token.end < 0) return malformed;
      if (isForbiddenKey(body, token, i)) return { outcome: 'forbidden_key' };
      if (depth === 1 && rootIsObject) {
        const key = decodeString(body, token, i);
        pendingField = options.fields.includes(key) ? key : null;
      }
      expect = COLON;
      i = token.end;
    } else {
      // A value, or the end of an empty array.
      if (expect === VALUE_OR_CLOSE && byte === 0x5d) {
        depth--;
        expect = AFTER_VALUE;
        i++;
        continue;
      }
      if (depth === 0) rootIsObject = byte === 0x7b;
      const field = pendingField;
      pendingField = null;
      if (byte === 0x7b || byte === 0x5b) {
        if (depth >= options.maxDepth) return { outcome: 'too_deep' };
        inArray[depth++] = byte === 0x5b ? 1 : 0;
        expect = byte === 0x5b ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
        // JSON.parse keeps the last of duplicate keys; so do these sets and deletes.
        if (field) fields.delete(field);
        i++;
        continue;
      }
      let end: number;
      if (byte === QUOTE) {
        scanString(body, i, token);
        end = token.end;
        if (field && end > 0) fields.set(field, decodeString(body, token, i));
      } else if (byte === 0x2d || isDigit(byte)) {
        end = scanNumber(body, i);
        if (field && end > 0) fields.set(field, body.toString('latin1', i, end));
      } else {
        end = byte === -1 ? -1 : scanLiteral(body, i);
        if (field) fields.delete(field);
      }
      if (end < 0) return malformed;
      expect = AFTER_VALUE;
      i = end;
    }
  }
}
