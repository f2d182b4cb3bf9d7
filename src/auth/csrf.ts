// CSRF tokens for the admin UI (synchroniser-token pattern): one random token per session, stored
// beside it server-side, sent back by the UI in X-CSRF-Token on every state-changing request. A
// cross-site page can make the browser send the session cookie, but it cannot read the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';
/** Form posts (no JavaScript) carry the token in this field instead of the header. */
export const CSRF_FORM_FIELD = '_csrf';

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes both sides the same length. */
export function csrfTokenMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request can change state and therefore needs the token. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
