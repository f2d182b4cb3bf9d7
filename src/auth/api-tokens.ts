// API tokens for automation: shown once at creation, stored as a hash, revocable.
import type { PrismaClient } from '../db/client.js';
import type { Role } from './roles.js';
import { hashToken, newOpaqueToken } from './secrets.js';

export type Principal = { kind: 'token' | 'user'; id: string; role: Role; name: string };

export function createApiTokens(deps: { prisma: PrismaClient; clock?: () => Date }) {
  const { prisma } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async create(input: { role: Role; name: string; createdBy?: string }): Promise<{ id: string; token: string }> {
      const token = newOpaqueToken('sbt');
      const row = await prisma.apiToken.create({
        data: {
          name: input.name,
          role: input.role,
          tokenHash: hashToken(token),
          prefix: token.slice(0, 10),
          createdBy: input.createdBy ?? null,
        },
      });
      return { id: row.id, token };
    },
    /** The principal for a presented token, or null when unknown or revoked. */
    async authenticate(token: string): Promise<Principal | null> {
      const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
      if (!row || row.revokedAt) return null;
      // Best effort: a lost "last used" stamp must not fail the request.
      void prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: clock() } }).catch(() => {});
      return { kind: 'token', id: row.id, role: row.role, name: row.name };
    },
    async list() {
      return prisma.apiToken.findMany({
        orderBy: { createdAt: 'desc' },
        select: { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: true },
      });
    },
    async revoke(id: string): Promise<boolean> {
      const result = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: clock() } });
      return result.count === 1;
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;
