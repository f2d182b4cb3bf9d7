// inbox.relay: enqueue inbox rows that were committed while Redis was unavailable (or whose API
// process died before enqueueing them). A BullMQ job scheduler runs it every INBOX_RELAY_INTERVAL_MS;
// a pass also runs at start-up and whenever the Redis connection becomes ready again. Redis here keeps
// nothing on disk, so a restarted Redis has lost the scheduler too: it is upserted again each time.
import type { Redis } from 'ioredis';
import type { Inbox } from '../src/inbox/inbox.js';
import type { Logger } from '../src/observability/logger.js';
import type { Queues } from '../src/queue/queues.js';
import type { JobHandler } from './runtime.js';

export const INBOX_RELAY_SCHEDULER_ID = 'inbox.relay';

export function relayInboxHandler(inbox: Pick<Inbox, 'relay'>): JobHandler<'inbox.relay'> {
  return async () => inbox.relay();
}

export type InboxRelaySchedule = { stop(): void };

export function scheduleInboxRelay(options: {
  queues: Queues;
  /** The connection the queues use: its 'ready' event means Redis is (back) up. */
  redis: Redis;
  inbox: Pick<Inbox, 'relay'>;
  everyMs: number;
  log: Logger;
}): InboxRelaySchedule {
  const { log } = options;
  const ensure = async () => {
    try {
      await options.queues
        .get('maintenance')
        .upsertJobScheduler(
          INBOX_RELAY_SCHEDULER_ID,
          { every: options.everyMs },
          { name: 'inbox.relay', data: {}, opts: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } },
        );
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'inbox relay not scheduled yet: waiting for Redis');
      return;
    }
    try {
      const { relayed, remaining } = await options.inbox.relay();
      if (relayed > 0) log.info({ relayed, remaining }, 'inbox relay: enqueued rows Redis had missed');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'inbox relay pass failed');
    }
  };
  const onReady = () => void ensure();
  options.redis.on('ready', onReady);
  if (options.redis.status === 'ready') void ensure();
  return {
    stop() {
      options.redis.off('ready', onReady);
    },
  };
}
