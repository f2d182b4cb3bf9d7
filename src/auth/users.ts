import type { PrismaClient } from '../db/client.js';
import type { Role } from './roles.js';
import { hashPassword, newOpaqueToken, verifyPassword } from './secrets.js';

export class UserExistsError extends Error {
  readonly code = 'USER_EXISTS';
  constructor(email: string) {
    super(`a user with email ${email} already exists`);
    this.name = 'UserExistsError';
  }
}

export const MIN_PASSWORD_LENGTH = 10;

export function createUsers(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;
  let dummyHash: Promise<string> | undefined;
  /** A real scrypt hash of a random value, made once, to verify against when no user matched. */
  const unknownUserHash = () => {
    dummyHash ??= hashPassword(newOpaqueToken('none'));
    return dummyHash;
  };
  return {
    async create(input: { email: string; role: Role; password: string; name?: string }) {
      const email = input.email.trim().toLowerCase();
      if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
      const existing = await prisma.user.findUnique({ where: { email } });
      if (existing) throw new UserExistsError(email);
      const user = await prisma.user.create({
        data: { email, role: input.role, name: input.name ?? '', passwordHash: await hashPassword(input.password) },
      });
      return { id: user.id, email: user.email, role: user.role };
    },
    /** The user when the password matches and the account is enabled; null otherwise. */
    async verify(emailInput: string, password: string) {
      const user = await prisma.user.findUnique({ where: { email: emailInput.trim().toLowerCase() } });
      // An unknown email still pays for one scrypt, so response time does not reveal which
      // addresses have accounts.
      const matches = await verifyPassword(password, user?.passwordHash ?? (await unknownUserHash()));
      if (!user || user.disabled) return null;
      return matches ? user : null;
    },
    async list() {
      return prisma.user.findMany({
        orderBy: { email: 'asc' },
        select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true, lastLoginAt: true },
      });
    },
    /** Changes role, name or the disabled flag; disabling (or a role change) ends the user's sessions. */
    async update(id: string, changes: { role?: Role; name?: string; disabled?: boolean }) {
      const result = await prisma.user.updateMany({ where: { id }, data: changes });
      if (result.count === 0) return null;
      if (changes.disabled === true || changes.role !== undefined) await prisma.session.deleteMany({ where: { userId: id } });
      return prisma.user.findUniqueOrThrow({
        where: { id },
        select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true, lastLoginAt: true },
      });
    },
    /** Sets a new password and ends the user's sessions; false when there is no such user. */
    async setPassword(id: string, password: string): Promise<boolean> {
      if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
      const result = await prisma.user.updateMany({ where: { id }, data: { passwordHash: await hashPassword(password) } });
      await prisma.session.deleteMany({ where: { userId: id } });
      return result.count === 1;
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
