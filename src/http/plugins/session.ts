// Login sessions for the admin UI: the cookie, and the authenticator that turns it into a principal.
// The cookie is httpOnly (scripts never see it), SameSite=Strict (cross-site requests do not carry
// it) and, behind https, Secure with the __Host- prefix (no subdomain can set or shadow it).
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ActiveSession, Sessions } from '../../auth/sessions.js';
import type { Authenticator } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the caller was authenticated by the session cookie (not by a bearer token). */
    uiSession: ActiveSession | null;
  }
}

export type SessionCookie = {
  name: string;
  read(request: FastifyRequest): string | undefined;
  set(reply: FastifyReply, token: string, expiresAt: Date): void;
  clear(reply: FastifyReply): void;
};

export function createSessionCookie(options: { secure: boolean }): SessionCookie {
  const name = options.secure ? '__Host-sb_session' : 'sb_session';
  const attributes = { path: '/', httpOnly: true, sameSite: 'strict', secure: options.secure } as const;
  return {
    name,
    read: (request) => {
      const value = request.cookies[name];
      // Our tokens are "sbs_" + 43 base64url characters; anything else is not worth a query.
      return value && /^sbs_[A-Za-z0-9_-]{40,60}$/.test(value) ? value : undefined;
    },
    set: (reply, token, expiresAt) => {
      reply.setCookie(name, token, { ...attributes, expires: expiresAt });
    },
    clear: (reply) => {
      reply.clearCookie(name, attributes);
    },
  };
}

/** Registers cookie parsing and the per-request session slot. */
export const sessionPlugin = fp(async (app: FastifyInstance) => {
  await app.register(cookie);
  app.decorateRequest('uiSession', null);
});

/** Looks the cookie's session up; on success the request remembers it for the CSRF check. */
export function sessionAuthenticator(sessions: Sessions, sessionCookie: SessionCookie): Authenticator {
  return async (request) => {
    const token = sessionCookie.read(request);
    if (!token) return null;
    const session = await sessions.resolve(token);
    if (!session) return null;
    request.uiSession = session;
    return session.principal;
  };
}
