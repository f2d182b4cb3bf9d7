// channel.push: one connection's pending targets, coalesced and batched (src/sync/push-channel.ts).
import type { Services } from '../src/app/services.js';
import { type ChannelPusher, createChannelPusher } from '../src/sync/push-channel.js';
import type { JobHandler } from './runtime.js';

export function channelPusherFor(services: Services): ChannelPusher {
  return createChannelPusher({
    prisma: services.prisma,
    connectors: services.connectorFactory,
    enqueuePush: services.enqueuePush,
    metrics: services.metrics,
    log: services.log,
  });
}

export function pushChannelHandler(pusher: Pick<ChannelPusher, 'push'>): JobHandler<'channel.push'> {
  return (payload, job) =>
    pusher.push({ connectionId: payload.connectionId, correlationId: payload.correlationId, jobId: job.id ?? 'none' });
}
