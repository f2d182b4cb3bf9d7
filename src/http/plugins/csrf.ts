// CSRF protection. A request authenticated by the session cookie that can change state must carry
// the session's token in X-CSRF-Token (or the _csrf form field); otherwise 403. Bearer-token calls
// are exempt: a browser never attaches an Authorization header on its own, so they cannot be forged.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CSRF_FORM_FIELD, CSRF_HEADER, csrfTokenMatches, isStateChanging } from '../../auth/csrf.js';
import { HttpError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The _csrf body field, read before schema validation strips unknown keys. */
    csrfField: string | undefined;
  }
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  return typeof header === 'string' ? header : request.csrfField;
}

/** Throws 403 when a cookie-authenticated, state-changing request lacks its session's token. */
export function assertCsrf(request: FastifyRequest): void {
  const session = request.uiSession;
  if (!session || !isStateChanging(request.method)) return;
  if (!csrfTokenMatches(session.csrfToken, presentedToken(request))) {
    throw new HttpError(403, 'CSRF_TOKEN_INVALID', `missing or wrong ${CSRF_HEADER}: reload the page and try again`);
  }
}

/**
 * Runs the check on every route once the body is parsed (the token may be a form field) and before
 * schema validation (which would strip that field, and must not answer a forged request first).
 * Authentication has already run, in onRequest.
 */
export const csrfPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('csrfField', undefined);
  app.addHook('preValidation', async (request) => {
    const body = request.body;
    if (body && typeof body === 'object' && CSRF_FORM_FIELD in body) {
      const field = (body as Record<string, unknown>)[CSRF_FORM_FIELD];
      if (typeof field === 'string') request.csrfField = field;
    }
    assertCsrf(request);
  });
});
