// record(): one webhook delivery in, one tagged outcome out. Verify (on the raw bytes, before any
// parsing), identify, store, and leave the enqueue to run after commit. The HTTP route maps each
// outcome to a status exactly once. Nothing unsigned is ever stored; nothing here calls a platform,
// takes a lock or builds a parsed object tree.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ERP_BODY_FIELDS, readErpDelivery, verifyErpWebhook } from '../connectors/erp/webhooks.js';
import { readShopifyDelivery, SHOPIFY_BODY_FIELDS, shopDomainOf, verifyShopifyWebhook } from '../connectors/shopify/webhooks.js';
import {
  isWooCommercePing,
  readWooCommerceDelivery,
  verifyWooCommerceWebhook,
  WOOCOMMERCE_BODY_FIELDS,
} from '../connectors/woocommerce/webhooks.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ConnectionSecretError, type ConnectionSecrets, type WebhookConnection, type WebhookSource } from './connection-secrets.js';
import { withDeadline } from './deadline.js';
import { InboxUnavailableError, type InboxWriter, type NewInboxRow, type UnavailableReason } from './inbox-writer.js';
import { inspectJson, type JsonRejection } from './json-inspect.js';
import { isKnownTopic } from './topics.js';
import { createWarnLimiter } from './warn-limiter.js';

export type WebhookRequest = {
  source: WebhookSource;
  connectionId: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body came as application/x-www-form-urlencoded (only WooCommerce's ping may). */
  form: boolean;
};

export type RejectReason = JsonRejection | 'missing_headers';

export type RecordOutcome =
  | { outcome: 'accepted'; eventId: string; status: 'received' | 'paused' | 'ignored' }
  | { outcome: 'duplicate' }
  | { outcome: 'ping' }
  | { outcome: 'not_found' }
  | { outcome: 'bad_signature' }
  | { outcome: 'shop_mismatch' }
  | { outcome: 'rejected'; reason: RejectReason }
  | { outcome: 'unsupported_media_type' }
  | { outcome: 'unavailable'; reason: UnavailableReason | 'credentials' };

const PLATFORMS = {
  shopify: { fields: SHOPIFY_BODY_FIELDS, verify: verifyShopifyWebhook, read: readShopifyDelivery },
  woocommerce: { fields: WOOCOMMERCE_BODY_FIELDS, verify: verifyWooCommerceWebhook, read: readWooCommerceDelivery },
  erp: { fields: ERP_BODY_FIELDS, verify: verifyErpWebhook, read: readErpDelivery },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type WebhookRecorderDeps = {
  secrets: ConnectionSecrets;
  writer: InboxWriter;
  metrics: Metrics;
  log: Logger;
  maxJsonDepth: number;
  /** Longest the connection lookup may take before the delivery gets 503. */
  timeoutMs: number;
  clock?: () => Date;
};

/** The metric label for an outcome. */
export function outcomeLabel(outcome: RecordOutcome): string {
  if (outcome.outcome === 'accepted') return outcome.status === 'received' ? 'accepted' : outcome.status;
  if (outcome.outcome === 'rejected') return outcome.reason;
  return outcome.outcome;
}

export function createWebhookRecorder(deps: WebhookRecorderDeps) {
  const clock = deps.clock ?? (() => new Date());
  const limiter = createWarnLimiter({ windowMs: 10_000 });

  /** Bad input is worth a warning, but at most one per connection and reason every ten seconds. */
  const warn = (request: Pick<WebhookRequest, 'source' | 'connectionId'>, reason: string) => {
    const { source, connectionId } = request;
    const { log, suppressed } = limiter.allow(`${source}:${connectionId}:${reason}`);
    if (log) deps.log.warn({ source, connectionId, reason, suppressed }, 'webhook refused');
  };

  const lookUp = async (request: WebhookRequest): Promise<WebhookConnection | null | RecordOutcome> => {
    try {
      return await withDeadline(deps.secrets.get(request.connectionId), deps.timeoutMs, () => new InboxUnavailableError('timeout'));
    } catch (error) {
      if (error instanceof ConnectionSecretError) {
        // An operator problem (ENCRYPTION_KEY / ENCRYPTION_OLD_KEYS): 503 keeps the platform retrying.
        deps.log.error({ err: error.cause, connectionId: request.connectionId }, 'webhook secret unreadable');
        return { outcome: 'unavailable', reason: 'credentials' };
      }
      warn(request, 'database_unavailable');
      return { outcome: 'unavailable', reason: error instanceof InboxUnavailableError ? error.reason : 'database' };
    }
  };

  const store = async (row: NewInboxRow, deadline: number): Promise<RecordOutcome> => {
    try {
      // One budget for the whole request: the lookup's time is taken out of the insert's.
      const written = await deps.writer.write(row, { timeoutMs: Math.max(1, deadline - Date.now()) });
      if (written.outcome === 'duplicate') return { outcome: 'duplicate' };
      return { outcome: 'accepted', eventId: row.id, status: row.status as 'received' | 'paused' | 'ignored' };
    } catch (error) {
      warn(row, 'database_unavailable');
      return { outcome: 'unavailable', reason: error instanceof InboxUnavailableError ? error.reason : 'database' };
    }
  };

  /** Signed but unusable: kept as `rejected` for support to see, answered 400 whatever the database says. */
  const reject = async (request: WebhookRequest, reason: RejectReason): Promise<RecordOutcome> => {
    warn(request, reason);
    const identity = PLATFORMS[request.source].read(request.headers, new Map());
    const digest = createHash('sha256').update(request.body).digest('hex');
    await deps.writer
      .write({
        id: randomUUID(),
        connectionId: request.connectionId,
        source: request.source,
        topic: identity.outcome === 'ok' ? identity.topic : '',
        dedupeKey: `rejected:${digest}`,
        webhookId: identity.outcome === 'ok' ? identity.webhookId : null,
        resourceId: null,
        headers: identity.outcome === 'ok' ? identity.headers : {},
        // PostgreSQL text holds neither NUL nor invalid UTF-8; a malformed body may have both.
        payload: request.body.toString('utf8').replaceAll('\u0000', '\uFFFD'),
        triggeredAt: null,
        receivedAt: clock(),
        status: 'rejected',
        correlationId: randomUUID(),
        error: reason,
      })
      .catch(() => warn(request, 'rejected_not_stored'));
    return { outcome: 'rejected', reason };
  };

  const decide = async (request: WebhookRequest): Promise<RecordOutcome> => {
    if (!UUID.test(request.connectionId)) return { outcome: 'not_found' };
    const deadline = Date.now() + deps.timeoutMs;
    const connection = await lookUp(request);
    if (connection === null) return { outcome: 'not_found' };
    if ('outcome' in connection) return connection;
    if (connection.kind !== request.source) return { outcome: 'not_found' };
    if (request.form) {
      return request.source === 'woocommerce' && isWooCommercePing(request.body)
        ? { outcome: 'ping' }
        : { outcome: 'unsupported_media_type' };
    }
    const platform = PLATFORMS[request.source];
    if (request.source === 'shopify' && shopDomainOf(request.headers) !== connection.shopDomain) {
      warn(request, 'shop_mismatch');
      return { outcome: 'shop_mismatch' };
    }
    if (!connection.secret || !platform.verify(request.body, request.headers, connection.secret)) {
      warn(request, 'bad_signature');
      return { outcome: 'bad_signature' };
    }
    // From here on the sender proved it holds the secret.
    const inspection = inspectJson(request.body, { maxDepth: deps.maxJsonDepth, fields: platform.fields });
    if (inspection.outcome !== 'ok') return reject(request, inspection.outcome);
    const delivery = platform.read(request.headers, inspection.fields);
    if (delivery.outcome !== 'ok') return reject(request, 'missing_headers');
    const known = isKnownTopic(request.source, delivery.topic);
    return store(
      {
        id: randomUUID(),
        connectionId: connection.id,
        source: request.source,
        topic: delivery.topic,
        dedupeKey: delivery.dedupeKey,
        webhookId: delivery.webhookId,
        resourceId: delivery.resourceId,
        headers: delivery.headers,
        payload: request.body,
        triggeredAt: delivery.triggeredAt,
        receivedAt: clock(),
        status: !known ? 'ignored' : connection.paused ? 'paused' : 'received',
        correlationId: randomUUID(),
        error: null,
      },
      deadline,
    );
  };

  return {
    async record(request: WebhookRequest): Promise<RecordOutcome> {
      deps.metrics.webhooksReceived.inc({ source: request.source });
      const outcome = await decide(request);
      deps.metrics.webhookOutcomes.inc({ source: request.source, outcome: outcomeLabel(outcome) });
      return outcome;
    },
  };
}

export type WebhookRecorder = ReturnType<typeof createWebhookRecorder>;
