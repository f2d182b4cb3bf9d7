// The `connection.poll` job: the safety net for webhooks that never came. WooCommerce never retries a
// failed delivery and Shopify may deliver late or not at all, so each store is asked for orders and
// products modified since its poll cursor; ERPs are asked for stock changed since then. What comes
// back is fed through the inbox like a webhook, and the cursor moves forward.
import type { ConnectorFactory, StoredConnection } from '../connections/connector-factory.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import {
  type EnqueueEvent,
  type PolledEvent,
  type PolledPlatform,
  recordPolledEvents,
  stockChangeEvents,
  storeChangeEvent,
} from './poll-inbox.js';

export type ChangePollerDeps = {
  prisma: PrismaClient;
  connectors: ConnectorFactory;
  enqueueEvent: EnqueueEvent;
  log: Logger;
  clock?: () => Date;
  /** Each poll starts this far before the cursor: clock skew between us and the platform, and
   * changes committed while the previous poll was paging. The inbox drops what was seen already. */
  overlapMs?: number;
  /** Pages one poll reads at most; a backlog beyond it continues on the next poll. */
  maxPages?: number;
};

export type PollOutcome =
  | { outcome: 'polled'; pages: number; found: number; stored: number; cursor: string }
  | { outcome: 'skipped'; reason: 'connection_gone' | 'paused' };

type PageOf = { events: PolledEvent[]; nextCursor: string | null };

export function createChangePoller(deps: ChangePollerDeps) {
  const clock = deps.clock ?? (() => new Date());
  const overlapMs = deps.overlapMs ?? 60_000;
  const maxPages = deps.maxPages ?? 1_000;

  async function poll(connectionId: string): Promise<PollOutcome> {
    const connection = await deps.prisma.connection.findUnique({ where: { id: connectionId } });
    if (!connection || connection.deletedAt) return { outcome: 'skipped', reason: 'connection_gone' };
    if (connection.paused) return { outcome: 'skipped', reason: 'paused' };
    const startedAt = clock();
    const since = new Date((connection.pollCursor ?? connection.createdAt).getTime() - overlapMs);
    const platform: PolledPlatform = connection.kind;
    const fetchPage = pageReader(connection, platform, since);
    let cursor: string | null = null;
    let pages = 0;
    let found = 0;
    let stored = 0;
    let newest = since;
    do {
      const page = await fetchPage(cursor);
      pages += 1;
      found += page.events.length;
      stored += await recordPolledEvents(
        { prisma: deps.prisma, enqueueEvent: deps.enqueueEvent, now: clock() },
        connectionId,
        platform,
        page.events,
      );
      for (const event of page.events) if (event.modifiedAt > newest) newest = event.modifiedAt;
      cursor = page.nextCursor;
    } while (cursor !== null && pages < maxPages);
    const complete = cursor === null;
    // A complete read covers everything up to when it started; a cut-short one only up to the
    // newest change it saw (never past our own clock: a platform clock ahead of ours must not skip time).
    const nextCursor = complete ? startedAt : new Date(Math.min(newest.getTime(), startedAt.getTime()));
    await deps.prisma.connection.update({ where: { id: connectionId }, data: { pollCursor: nextCursor } });
    const log = deps.log.child({ module: 'poll', connectionId });
    if (!complete) log.warn({ pages }, 'poll stopped at the page limit; continuing next time');
    if (stored > 0) log.info({ found, stored }, 'poll found changes the webhooks missed');
    return { outcome: 'polled', pages, found, stored, cursor: nextCursor.toISOString() };
  }

  function pageReader(connection: StoredConnection & { kind: PolledPlatform }, platform: PolledPlatform, since: Date) {
    if (platform === 'erp') {
      const erp = deps.connectors.erp(connection);
      return async (cursor: string | null): Promise<PageOf> => {
        const page = await erp.listChangedStock(since, cursor);
        return { events: stockChangeEvents(page.items), nextCursor: page.nextCursor };
      };
    }
    const channel = deps.connectors.channel(connection);
    return async (cursor: string | null): Promise<PageOf> => {
      const page = await channel.listChangedSince(since, cursor);
      return { events: page.events.map((event) => storeChangeEvent(platform, event)), nextCursor: page.nextCursor };
    };
  }

  return { poll };
}

export type ChangePoller = ReturnType<typeof createChangePoller>;
