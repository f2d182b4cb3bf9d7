// Pausing a connection holds its pushes: pending rows become `paused` and keep their target and
// correlation id. Resuming turns them back into `pending` and asks for one push, which then writes
// the latest targets (not a replay of every change made while paused).
import type { PrismaClient } from '../db/client.js';
import { type EnqueueChannelPush, markConnectionPending } from './schedule-push.js';

export async function holdPushes(prisma: PrismaClient, connectionId: string, now: Date): Promise<number> {
  const held = await prisma.syncState.updateMany({
    where: { connectionId, status: 'pending' },
    data: { status: 'paused', updatedAt: now },
  });
  return held.count;
}

export type ResumeOutcome = { outcome: 'resumed'; released: number } | { outcome: 'still_paused' };

export async function resumeHeldPushes(
  deps: { prisma: PrismaClient; enqueuePush: EnqueueChannelPush; clock?: () => Date },
  connectionId: string,
  correlationId: string,
): Promise<ResumeOutcome> {
  const connection = await deps.prisma.connection.findUnique({ where: { id: connectionId }, select: { paused: true, deletedAt: true } });
  if (!connection || connection.paused || connection.deletedAt) return { outcome: 'still_paused' };
  const now = deps.clock?.() ?? new Date();
  const released = await markConnectionPending(deps.prisma, { connectionId, fromStatuses: ['paused'] }, correlationId, now);
  // Ask even when nothing was held: rows may have turned pending while the job saw the pause.
  await deps.enqueuePush(connectionId, correlationId);
  return { outcome: 'resumed', released };
}
