// The `movement.post` domain call (policy post-movements, and store adjustments): send one movement
// to the ERP with the movement's idempotency key, then record it as posted under the SKU's lock.
//
// A failed or unanswered post is retried by the runtime with the same key and the same body (both
// come from the stored row), so the ERP applies it once (docs/erp-contract.yaml: same key and body
// → the original result). The time of the first send is stored before the request: an ERP report
// stamped after it includes the movement, even if that report is processed before our bookkeeping.
import { createHash } from 'node:crypto';
import { errorKindOf, PermanentError } from '../connectors/errors.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Clock, ErpConnectorFor } from './ports.js';
import type { SkuReconciler } from './reconcile-sku.js';

export type MovementPostJob = { movementId: string; correlationId: string };

export type PostOutcome =
  | { outcome: 'posted'; erpReference: string }
  | { outcome: 'already_done' }
  | { outcome: 'busy'; retryAt: Date }
  | { outcome: 'not_found' };

export type MovementPosterDeps = {
  prisma: PrismaClient;
  reconciler: SkuReconciler;
  erpConnectorFor: ErpConnectorFor;
  clock: Clock;
  log: Logger;
};

/** The ERP contract allows keys up to 255 characters; longer ledger keys are sent as a hash. */
export function erpIdempotencyKey(idempotencyKey: string): string {
  return idempotencyKey.length <= 255 ? idempotencyKey : `sb-${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

export function createMovementPoster(deps: MovementPosterDeps) {
  async function post(job: MovementPostJob): Promise<PostOutcome> {
    const id = BigInt(job.movementId);
    const movement = await deps.prisma.movement.findUnique({ where: { id } });
    if (!movement) return { outcome: 'not_found' };
    if (!movement.postRequired || movement.status === 'posted' || movement.status === 'reflected') return { outcome: 'already_done' };
    if (!movement.warehouse || !movement.erpConnectionId || movement.kind === 'erp_change') {
      await fail(movement.id, movement.sku, job.correlationId, 'MOVEMENT_NOT_POSTABLE: no ERP warehouse is known for this movement');
      throw new PermanentError(`movement ${job.movementId} has no ERP warehouse`, {
        code: 'MOVEMENT_NOT_POSTABLE',
        context: { movementId: job.movementId },
      });
    }
    await deps.prisma.movement.updateMany({ where: { id, postRequestedAt: null }, data: { postRequestedAt: deps.clock() } });
    const connector = await deps.erpConnectorFor(movement.erpConnectionId);
    let erpReference: string;
    try {
      const result = await connector.postMovement(
        {
          sku: movement.sku,
          warehouse: movement.warehouse,
          quantity: movement.quantity,
          kind: movement.kind,
          reference: `stockbridge movement ${movement.id}: ${movement.sourceRef}`.slice(0, 500),
          occurredAt: movement.occurredAt,
        },
        erpIdempotencyKey(movement.idempotencyKey),
      );
      erpReference = result.erpReference;
    } catch (error) {
      await recordFailure(movement.id, movement.sku, job.correlationId, error);
      throw error;
    }
    const recorded = await deps.reconciler.run(
      movement.sku,
      { type: 'movement_posted', movementId: job.movementId, erpReference },
      { correlationId: job.correlationId },
    );
    if (recorded.outcome === 'busy')
      return { outcome: 'busy', retryAt: new Date(deps.clock().getTime() + 100 + Math.floor(Math.random() * 100)) };
    deps.log.info({ movementId: job.movementId, sku: movement.sku, erpReference }, 'movement posted to the ERP');
    return { outcome: 'posted', erpReference };
  }

  async function recordFailure(id: bigint, sku: string, correlationId: string, error: unknown): Promise<void> {
    const code = (error as { code?: unknown }).code;
    const message =
      `${typeof code === 'string' ? code : 'ERP_POST_FAILED'}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1_000);
    if (errorKindOf(error) === 'permanent') {
      await fail(id, sku, correlationId, message);
      return;
    }
    await deps.prisma.movement.update({ where: { id }, data: { postError: message } });
    deps.log.warn({ movementId: id.toString(), sku, err: message }, 'posting a movement failed; it will be retried');
  }

  /** Permanent: the movement stays unreflected (still lowering available-to-sell) and a dead letter records it. */
  async function fail(id: bigint, sku: string, correlationId: string, message: string): Promise<void> {
    await deps.prisma.$transaction([
      deps.prisma.movement.update({ where: { id }, data: { status: 'failed', postError: message } }),
      deps.prisma.auditEntry.create({
        data: {
          actor: 'worker',
          action: 'movement.post_failed',
          entityType: 'movement',
          entityId: id.toString(),
          sku,
          note: message,
          correlationId,
        },
      }),
    ]);
  }

  return { post };
}

export type MovementPoster = ReturnType<typeof createMovementPoster>;
