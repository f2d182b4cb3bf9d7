// Text the API accepts must reach PostgreSQL exactly as it was sent. Three kinds would not, and
// each is refused with a 400 that says where it was, instead of being altered or failing later:
// - invalid UTF-8 in a JSON body: Node's decoder silently turns every bad byte into U+FFFD, so a
//   SKU or a name would be stored as something the caller never sent (INVALID_UTF8);
// - U+0000 in any string: PostgreSQL text cannot hold NUL, so the insert, or even a lookup by
//   that value, failed with a 500 (UNSTORABLE_TEXT);
// - an unpaired UTF-16 surrogate (JSON "\ud800"): UTF-8 cannot encode it, so it too would be
//   stored as U+FFFD (UNSTORABLE_TEXT).
// Webhook routes keep their raw bytes (their own parser, in their own scope) and are judged there.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.js';

const isStorable = (text: string) => !text.includes('\u0000') && text.isWellFormed();

/** A node of the walk: its value, its key, and its parent, so a path is built only for a failure. */
type Visit = { value: unknown; key: string; parent: Visit | null };

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | null = visit; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * The first string (value or key) that PostgreSQL could not store as sent, as a path like
 * `body.locations.0.name`, or null. Iterative: a 1 MiB body may nest 500,000 levels deep.
 */
export function findUnstorableText(value: unknown, root: string): string | null {
  const stack: Visit[] = [{ value, key: root, parent: null }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      if (!isStorable(current)) return pathOf(visit);
      continue;
    }
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current)) continue;
    for (const [key, child] of Object.entries(current)) {
      const childVisit = { value: child, key, parent: visit };
      if (!isStorable(key)) return pathOf(childVisit);
      stack.push(childVisit);
    }
  }
  return null;
}

export const textInputPlugin = fp(async (app: FastifyInstance) => {
  // Fastify's own JSON parsing (prototype-poisoning checks included), after a UTF-8 check of the bytes.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new HttpError(400, 'INVALID_UTF8', 'the body is not valid UTF-8'), undefined);
      return;
    }
    void parseJson(request, bytes.toString('utf8'), done);
  });

  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const where = findUnstorableText(value, part);
      if (where) {
        throw new HttpError(400, 'UNSTORABLE_TEXT', `${where}: text must not contain NUL (U+0000) or unpaired surrogates`);
      }
    }
  });
});
