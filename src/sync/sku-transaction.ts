// The per-SKU write protocol: lease (sku-lock.ts) → one database transaction whose first statement
// is the fenced write of the SKU row → the caller's load, decide and write → commit.
//
//   INSERT INTO skus … ON CONFLICT (sku) DO UPDATE SET fence_token = $token …
//   WHERE skus.fence_token <= $token RETURNING sku
//
// (an UPDATE … WHERE fence_token <= $token that also creates the row on first sight). No row back
// means a holder with a newer token has written since our lease was granted: our lease is gone, so
// we roll back. The statement also takes the row lock, so even a stalled worker that still believes
// it holds the lease cannot interleave with the new holder: either its whole transaction commits
// before the new holder's first statement (and the new holder then reads its writes), or its fenced
// write finds the newer token and rolls back.
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Clock } from './ports.js';
import { type SkuLease, type SkuLock, SkuLockLostError } from './sku-lock.js';

export type Tx = Prisma.TransactionClient;

export class SkuFencedError extends Error {
  readonly code = 'SKU_FENCED';
  readonly kind = 'retryable' as const;
  constructor(
    readonly sku: string,
    readonly token: bigint,
  ) {
    super(`SKU ${sku}: fencing token ${token} is older than the one already written; this worker lost its lock`);
    this.name = 'SkuFencedError';
  }
}

/**
 * The fenced write, creating the SKU row on first sight (a store may sell a SKU the ERP has not
 * reported yet). Returns no row when a newer token has written: then this worker lost its lease.
 */
export async function fenceSku(tx: Tx, sku: string, token: bigint, now: Date): Promise<void> {
  const rows = await tx.$queryRaw<{ sku: string }[]>`
    INSERT INTO skus (sku, fence_token, version, created_at, updated_at) VALUES (${sku}, ${token}, 1, ${now}, ${now})
    ON CONFLICT (sku) DO UPDATE SET fence_token = EXCLUDED.fence_token, version = skus.version + 1, updated_at = EXCLUDED.updated_at
    WHERE skus.fence_token <= EXCLUDED.fence_token
    RETURNING sku`;
  if (rows.length === 0) throw new SkuFencedError(sku, token);
}

export type SkuTransactionOutcome<T> = { outcome: 'done'; value: T } | { outcome: 'busy'; reason: 'lock_busy' | 'lock_lost' };

export type SkuTransactionDeps = { prisma: PrismaClient; lock: SkuLock; clock: Clock; lockWaitMs: number };

/** Throws the lease's loss, if it happened, so the transaction rolls back before commit. */
export function assertLeaseHeld(lease: SkuLease): void {
  if (lease.signal.aborted) throw new SkuLockLostError(lease.sku);
}

export async function runSkuTransaction<T>(
  deps: SkuTransactionDeps,
  sku: string,
  work: (tx: Tx, lease: SkuLease) => Promise<T>,
): Promise<SkuTransactionOutcome<T>> {
  try {
    const locked = await deps.lock.withLock(
      sku,
      (lease) =>
        deps.prisma.$transaction(
          async (tx) => {
            await fenceSku(tx, sku, lease.fenceToken, deps.clock());
            const value = await work(tx, lease);
            assertLeaseHeld(lease);
            return value;
          },
          { timeout: Math.max(5_000, deps.lock.ttlMs), maxWait: 10_000 },
        ),
      deps.lockWaitMs,
    );
    return locked.acquired ? { outcome: 'done', value: locked.value } : { outcome: 'busy', reason: 'lock_busy' };
  } catch (error) {
    if (error instanceof SkuFencedError) {
      await raiseFloorFromDatabase(deps, sku);
      return { outcome: 'busy', reason: 'lock_lost' };
    }
    if (error instanceof SkuLockLostError) return { outcome: 'busy', reason: 'lock_lost' };
    throw error;
  }
}

/**
 * After a fenced refusal: if Redis lost its counter (restart without persistence), lift it above
 * the database's token so the next lease can write. When another worker legitimately holds a newer
 * token the counter is already higher and nothing changes.
 */
async function raiseFloorFromDatabase(deps: SkuTransactionDeps, sku: string): Promise<void> {
  const row = await deps.prisma.sku.findUnique({ where: { sku }, select: { fenceToken: true } });
  if (row) await deps.lock.raiseFenceFloor(sku, row.fenceToken);
}
