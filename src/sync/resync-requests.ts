// POST /api/v1/resyncs: checks the scope, queues one `sku.resync` job and says what it covers.
// The work itself runs in the worker (resync.ts), so the request answers 202 at once.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import { channelsInScope, countSkusInScope, type ResyncScope } from './resync-scope.js';

export type ResyncQueue = {
  add(
    name: 'sku.resync',
    payload: { sku?: string; connectionId?: string; requestedBy: string; correlationId: string },
    options?: { jobId?: string },
  ): Promise<string>;
};

export type ResyncRequestOutcome =
  | {
      outcome: 'queued';
      resyncId: string;
      jobId: string;
      scope: ResyncScope;
      skus: number;
      channels: { connectionId: string; paused: boolean }[];
    }
  | { outcome: 'connection_not_found' };

export function createResyncRequests(deps: { prisma: PrismaClient; queues: ResyncQueue }) {
  async function request(scope: ResyncScope, actor: string): Promise<ResyncRequestOutcome> {
    if (scope.connectionId) {
      const exists = await deps.prisma.connection.count({ where: { id: scope.connectionId, deletedAt: null } });
      if (exists === 0) return { outcome: 'connection_not_found' };
    }
    const resyncId = randomUUID();
    const [skus, channels] = await Promise.all([countSkusInScope(deps.prisma, scope), channelsInScope(deps.prisma, scope)]);
    const payload = {
      ...(scope.sku ? { sku: scope.sku } : {}),
      ...(scope.connectionId ? { connectionId: scope.connectionId } : {}),
      requestedBy: actor,
      correlationId: resyncId,
    };
    const jobId = await deps.queues.add('sku.resync', payload, { jobId: `resync-${resyncId}` });
    await deps.prisma.auditEntry.create({
      data: {
        actor,
        action: 'resync.requested',
        entityType: 'resync',
        entityId: resyncId,
        sku: scope.sku ?? null,
        connectionId: scope.connectionId ?? null,
        after: { skus, jobId },
        correlationId: resyncId,
      },
    });
    return {
      outcome: 'queued',
      resyncId,
      jobId,
      scope,
      skus,
      channels: channels.map((channel) => ({ connectionId: channel.id, paused: channel.paused })),
    };
  }
  return { request };
}

export type ResyncRequests = ReturnType<typeof createResyncRequests>;
