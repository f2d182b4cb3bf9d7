// Audit rows written by the decision core: every applied movement, target change, ignored stale
// event and manual-edit decision, joined to its webhook by the correlation id.
import type { Prisma } from '../db/client.js';
import type { Tx } from './sku-transaction.js';

export type AuditInput = {
  action: string;
  entityType: string;
  entityId: string;
  sku?: string | null;
  connectionId?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  note?: string;
  correlationId: string;
};

/** The engine acts for nobody in particular: its rows carry the actor "worker". */
export const WORKER_ACTOR = 'worker';

export async function recordAudits(tx: Tx, entries: AuditInput[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  await tx.auditEntry.createMany({
    data: entries.map((entry) => ({
      at,
      actor: WORKER_ACTOR,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      sku: entry.sku ?? null,
      connectionId: entry.connectionId ?? null,
      ...(entry.before === undefined ? {} : { before: entry.before }),
      ...(entry.after === undefined ? {} : { after: entry.after }),
      note: entry.note ?? null,
      correlationId: entry.correlationId,
    })),
  });
}
