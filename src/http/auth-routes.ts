// Login, logout and "who am I, and what is my CSRF token" for the admin UI. Login attempts are
// rate-limited in Redis (so every API process shares the counts) three ways: per (IP, email), which
// stops guessing one account's password; per IP, which stops spraying many accounts from one
// address; and per email from any IP, which bounds guessing from rotating (or forged
// X-Forwarded-For) addresses at the price of briefly locking that account while it is attacked.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { PERMISSIONS } from '../auth/permissions.js';
import { ROLES } from '../auth/roles.js';
import type { Sessions, SessionUser } from '../auth/sessions.js';
import type { Users } from '../auth/users.js';
import { HttpError } from './errors.js';
import { assertCsrf } from './plugins/csrf.js';
import { type SessionCookie, sessionAuthenticator } from './plugins/session.js';

export type LoginRateLimit = { perAccountMax: number; perIpMax: number; perEmailMax: number; windowMs: number };

export type AuthRoutesOptions = {
  users: Users;
  sessions: Sessions;
  sessionCookie: SessionCookie;
  redis: Redis;
  /** Redis key prefix for the counters (the queue prefix keeps deployments and tests apart). */
  keyPrefix: string;
  publicUrl: string;
  loginRateLimit: LoginRateLimit;
};

const Credentials = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(1_000),
});

const SessionBody = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES) }),
  csrfToken: z.string(),
  expiresAt: z.iso.datetime(),
  /** The permission-table keys this user's role may call, so the UI shows only what works. */
  permissions: z.array(z.string()),
});

function sessionBody(user: SessionUser, csrfToken: string, expiresAt: Date): z.infer<typeof SessionBody> {
  const permissions = Object.entries(PERMISSIONS)
    .filter(([, roles]) => roles.includes(user.role))
    .map(([key]) => key);
  return { user, csrfToken, expiresAt: expiresAt.toISOString(), permissions };
}

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }) });

const emailOf = (request: FastifyRequest) => {
  const parsed = Credentials.shape.email.safeParse((request.body as { email?: unknown } | undefined)?.email);
  return parsed.success ? parsed.data : '';
};

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions) {
  const { users, sessions, sessionCookie, loginRateLimit } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const authenticate = sessionAuthenticator(sessions, sessionCookie);

  // skipOnError: a Redis outage must not lock every admin out of the console that shows what is
  // wrong; scrypt's cost still slows guessing meanwhile.
  await app.register(rateLimit, { global: false, redis: options.redis, nameSpace: `${options.keyPrefix}:login-limit:`, skipOnError: true });
  const perAccount = app.createRateLimit({
    max: loginRateLimit.perAccountMax,
    timeWindow: loginRateLimit.windowMs,
    keyGenerator: (request) => `account:${request.ip}:${emailOf(request)}`,
  });
  const perIp = app.createRateLimit({
    max: loginRateLimit.perIpMax,
    timeWindow: loginRateLimit.windowMs,
    keyGenerator: (request) => `ip:${request.ip}`,
  });
  const perEmail = app.createRateLimit({
    max: loginRateLimit.perEmailMax,
    timeWindow: loginRateLimit.windowMs,
    keyGenerator: (request) => `email:${emailOf(request)}`,
  });

  const publicOrigin = new URL(options.publicUrl).origin;
  /** Login CSRF: a cross-site page must not be able to sign a browser in to the attacker's account. */
  const assertSameOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin === undefined || origin === publicOrigin || origin === `${request.protocol}://${request.host}`) return;
    throw new HttpError(403, 'CROSS_ORIGIN_LOGIN', 'login is accepted only from this site');
  };

  api.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: Credentials,
        response: { 200: SessionBody, 401: ErrorBody, 429: ErrorBody },
      },
      preHandler: async (request, reply) => {
        assertSameOrigin(request);
        for (const limit of await Promise.all([perAccount(request), perIp(request), perEmail(request)])) {
          if (limit.isAllowed || !limit.isExceeded) continue;
          reply.header('retry-after', String(limit.ttlInSeconds));
          throw new HttpError(429, 'LOGIN_RATE_LIMITED', `too many sign-in attempts; try again in ${limit.ttlInSeconds} s`);
        }
      },
    },
    async (request, reply) => {
      const user = await users.verify(request.body.email, request.body.password);
      if (!user) {
        request.log.warn({ email: request.body.email, ip: request.ip }, 'sign-in refused');
        throw new HttpError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
      }
      const previous = sessionCookie.read(request);
      if (previous) await sessions.destroy(previous);
      const created = await sessions.create({ userId: user.id, ip: request.ip, userAgent: request.headers['user-agent'] });
      sessionCookie.set(reply, created.token, created.expiresAt);
      request.log.info({ userId: user.id, role: user.role }, 'signed in');
      return sessionBody({ id: user.id, email: user.email, name: user.name, role: user.role }, created.csrfToken, created.expiresAt);
    },
  );

  api.get(
    '/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and the CSRF token for this session',
        response: { 200: SessionBody, 401: ErrorBody },
      },
    },
    async (request) => {
      const principal = await authenticate(request);
      const session = request.uiSession;
      if (!principal || !session) throw new HttpError(401, 'UNAUTHENTICATED', 'not signed in');
      return sessionBody(session.user, session.csrfToken, session.expiresAt);
    },
  );

  api.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'Sign out: ends the session (needs X-CSRF-Token)', response: { 204: z.void(), 403: ErrorBody } } },
    async (request, reply) => {
      const token = sessionCookie.read(request);
      if (token && (await authenticate(request))) {
        assertCsrf(request);
        await sessions.destroy(token);
      }
      sessionCookie.clear(reply);
      return reply.code(204).send();
    },
  );
}
