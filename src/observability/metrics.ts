// One prom-client registry per process (passed in, never global), so tests can build several apps
// side by side. Metric definitions live here so /metrics has one table of contents.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    webhooksReceived: new Counter({
      name: 'stockbridge_webhooks_received_total',
      help: 'Webhook deliveries received, by source',
      labelNames: ['source'] as const,
      registers,
    }),
    webhookOutcomes: new Counter({
      name: 'stockbridge_webhook_outcomes_total',
      help: 'Webhook deliveries by outcome (accepted, duplicate, rejected reasons)',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    inboxUnenqueued: new Gauge({
      name: 'stockbridge_inbox_unenqueued',
      help: 'Inbox rows committed but not yet handed to the queue',
      registers,
    }),
    inboxBatchRows: new Histogram({
      name: 'stockbridge_inbox_insert_batch_rows',
      help: 'Rows per grouped inbox INSERT (concurrent webhook deliveries share one statement)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    inboxRelayed: new Counter({
      name: 'stockbridge_inbox_relayed_total',
      help: 'Inbox rows enqueued by the relay because the enqueue after commit did not happen',
      registers,
    }),
    jobs: new Counter({
      name: 'stockbridge_jobs_total',
      help: 'Jobs finished, by queue and result (completed, failed, retried, dead)',
      labelNames: ['queue', 'result'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: 'stockbridge_dead_letters_total',
      help: 'Jobs moved to the dead-letter list',
      labelNames: ['job'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'stockbridge_queue_depth',
      help: 'Jobs waiting or delayed, by queue',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    queueOldestAgeSeconds: new Gauge({
      name: 'stockbridge_queue_oldest_job_age_seconds',
      help: 'Age of the oldest waiting job, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
    syncLatency: new Histogram({
      name: 'stockbridge_webhook_to_channel_seconds',
      help: 'From webhook received to the channel accepting the new quantity',
      labelNames: ['channel_kind'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    pushLatency: new Histogram({
      name: 'stockbridge_push_duration_seconds',
      help: 'Duration of one push call to a channel, by connector kind',
      labelNames: ['channel_kind', 'result'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    throttleWaits: new Counter({
      name: 'stockbridge_throttle_waits_total',
      help: 'Times a call waited for rate-limit budget, by connection',
      labelNames: ['connection_id'] as const,
      registers,
    }),
    rateLimitHeadroom: new Gauge({
      name: 'stockbridge_rate_limit_headroom_ratio',
      help: 'Share of the store rate-limit budget currently available (0..1)',
      labelNames: ['connection_id'] as const,
      registers,
    }),
    staleSkus: new Gauge({
      name: 'stockbridge_stale_skus',
      help: 'SKU/channel pairs out of sync for longer than the SLA',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
