// Server-side login sessions for the admin UI, in PostgreSQL. The cookie holds a random value; the
// table keys the row by its SHA-256, so a database dump hands out no live session. Lifetime is
// absolute (SESSION_TTL_MS from login): activity does not extend it, and a stolen cookie expires.
import type { PrismaClient } from '../db/client.js';
import type { Principal } from './api-tokens.js';
import { newCsrfToken } from './csrf.js';
import type { Role } from './roles.js';
import { hashToken, newOpaqueToken } from './secrets.js';

export type SessionUser = { id: string; email: string; name: string; role: Role };

export type ActiveSession = {
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  user: SessionUser;
  principal: Principal;
};

/** How often "last seen" is written: often enough to show activity, rarely enough to stay cheap. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export function createSessions(deps: { prisma: PrismaClient; ttlMs: number; clock?: () => Date }) {
  const { prisma, ttlMs } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    ttlMs,
    /** Starts a session; the returned token goes into the cookie and nowhere else. */
    async create(input: { userId: string; ip?: string; userAgent?: string }) {
      const now = clock();
      const token = newOpaqueToken('sbs');
      const csrfToken = newCsrfToken();
      const expiresAt = new Date(now.getTime() + ttlMs);
      // Expired rows of everyone are dropped here rather than by a timer: logins are rare and the
      // expires_at index keeps this cheap.
      await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
      await prisma.session.create({
        data: {
          idHash: hashToken(token),
          userId: input.userId,
          csrfToken,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          ip: input.ip ?? null,
          userAgent: input.userAgent?.slice(0, 300) ?? null,
        },
      });
      await prisma.user.update({ where: { id: input.userId }, data: { lastLoginAt: now } });
      return { token, csrfToken, expiresAt };
    },

    /** The live session for a cookie value, or null when unknown, expired or its user is disabled. */
    async resolve(token: string): Promise<ActiveSession | null> {
      const idHash = hashToken(token);
      const row = await prisma.session.findUnique({ where: { idHash }, include: { user: true } });
      if (!row) return null;
      const now = clock();
      if (row.expiresAt <= now || row.user.disabled) {
        await prisma.session.deleteMany({ where: { idHash } });
        return null;
      }
      if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
        await prisma.session.updateMany({ where: { idHash }, data: { lastSeenAt: now } });
      }
      const user: SessionUser = { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role };
      return {
        idHash,
        csrfToken: row.csrfToken,
        expiresAt: row.expiresAt,
        user,
        principal: { kind: 'user', id: user.id, role: user.role, name: user.name || user.email },
      };
    },

    async destroy(token: string): Promise<void> {
      await prisma.session.deleteMany({ where: { idHash: hashToken(token) } });
    },

    /** Signs a user out everywhere (password reset, disabling the account). */
    async destroyForUser(userId: string): Promise<number> {
      return (await prisma.session.deleteMany({ where: { userId } })).count;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
