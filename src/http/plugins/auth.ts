// Who is calling, and may they? Bearer API tokens (automation) and the admin UI's session
// cookies. Every /api/v1 route must have an entry in the permission table; the check runs before
// the body is even parsed or validated (onRequest), so an unauthorised caller learns nothing from
// validation errors and a handler never sees an unauthorised request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../../auth/api-tokens.js';
import { rolesFor } from '../../auth/permissions.js';
import { HttpError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

export type AuthOptions = {
  /** Tried in order; the first principal found wins. */
  authenticators: Authenticator[];
};

export function bearerAuthenticator(authenticate: (token: string) => Promise<Principal | null>): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    const token = header.slice('Bearer '.length).trim();
    if (token.length < 16 || token.length > 200) return null;
    return authenticate(token);
  };
}

export const authPlugin = fp(async (app: FastifyInstance, options: AuthOptions) => {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (!rolesFor(method, route.url)) throw new Error(`route ${method} ${route.url} has no entry in the permission table`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url?.startsWith('/api/v1')) return;
    const roles = rolesFor(request.method === 'HEAD' ? 'GET' : request.method, url);
    for (const authenticate of options.authenticators) {
      request.principal = await authenticate(request);
      if (request.principal) break;
    }
    if (!request.principal) throw new HttpError(401, 'UNAUTHENTICATED', 'sign in or send Authorization: Bearer <token>');
    if (!roles?.includes(request.principal.role)) {
      throw new HttpError(403, 'FORBIDDEN', `role ${request.principal.role} may not ${request.method} ${url}`);
    }
  });
});

export function actorOf(request: FastifyRequest): string {
  return request.principal ? `${request.principal.kind}:${request.principal.id}` : 'anonymous';
}
