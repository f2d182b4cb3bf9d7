// Phase 1 of a run: read every source into the staging tables, one page at a time. The ERP is
// paged by cursor and a resumed run continues after the last cursor saved with the heartbeat; a
// channel is streamed by readAllLevels (Shopify bulk operation JSONL, WooCommerce pages) and read
// again from the start if it was cut off. A SKU-scoped run asks only for that SKU.
import type pg from 'pg';
import type { ChannelConnector, ErpConnector } from '../connectors/contract.js';
import type { PrismaClient } from '../db/client.js';
import type { RunLease } from './run-lease.js';
import type { SourceProgress } from './run-store.js';
import { clearChannelStage, stageChannelLevels, stageErpRows } from './staging.js';

export type ReadContext = {
  pool: pg.Pool;
  prisma: PrismaClient;
  runId: string;
  lease: RunLease;
  /** A SKU-scoped run reads only this SKU. */
  sku?: string;
};

export async function readErpSource(ctx: ReadContext, erp: ErpConnector, connectionId: string, progress: SourceProgress): Promise<void> {
  progress.phase = 'reading';
  progress.readStartedAt ??= new Date().toISOString();
  if (ctx.sku) {
    const rows = await erp.readStock([ctx.sku]);
    progress.read = await stageErpRows(ctx.pool, ctx.runId, connectionId, rows);
  } else {
    // Saved cursor and count belong to the same heartbeat, so a resumed count stays right: the
    // pages after the cursor are read again and staged over themselves (upsert).
    let cursor = progress.cursor ?? null;
    do {
      ctx.lease.check();
      const page = await erp.listStock(cursor);
      progress.read += await stageErpRows(ctx.pool, ctx.runId, connectionId, page.items);
      cursor = page.nextCursor;
      progress.cursor = cursor;
    } while (cursor);
  }
  progress.phase = 'read';
  progress.readFinishedAt = new Date().toISOString();
  progress.total = progress.read;
  progress.compared = progress.read;
  progress.cursor = null;
  await ctx.lease.flush();
}

export async function readChannelSource(
  ctx: ReadContext,
  channel: ChannelConnector,
  connectionId: string,
  progress: SourceProgress,
): Promise<void> {
  await clearChannelStage(ctx.pool, ctx.runId, connectionId);
  progress.phase = 'reading';
  progress.read = 0;
  progress.readStartedAt = new Date().toISOString();
  if (ctx.sku) {
    const listings = await ctx.prisma.listing.findMany({
      where: { connectionId, sku: ctx.sku, state: 'active' },
      select: { sku: true, externalVariantId: true, externalInventoryItemId: true },
    });
    const items = listings.map((listing) => ({
      sku: listing.sku,
      externalVariantId: listing.externalVariantId,
      ...(listing.externalInventoryItemId ? { externalInventoryItemId: listing.externalInventoryItemId } : {}),
    }));
    const levels = items.length > 0 ? await channel.readLevels(items) : [];
    progress.read = await stageChannelLevels(ctx.pool, ctx.runId, connectionId, levels);
  } else {
    for await (const page of channel.readAllLevels()) {
      ctx.lease.check();
      progress.read += await stageChannelLevels(ctx.pool, ctx.runId, connectionId, page);
    }
  }
  progress.phase = 'read';
  progress.readFinishedAt = new Date().toISOString();
  await ctx.lease.flush();
}
