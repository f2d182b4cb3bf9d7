// POST /webhooks/{shopify,woocommerce,erp}/:connectionId. The raw body bytes are what the platforms
// sign, so this plugin replaces every body parser in its scope with one that hands over the Buffer
// untouched (Fastify parsers are encapsulated: the rest of the app still parses JSON). Bodies over the
// limit are refused with 413 from Content-Length, or as soon as a chunked body passes it, before
// anything is hashed; other content types get 415.
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookSource } from '../../inbox/connection-secrets.js';
import type { RecordOutcome, WebhookRequest } from '../../inbox/record-webhook.js';
import type { Metrics } from '../../observability/metrics.js';
import { webhookReply } from './webhook-reply.js';

export type WebhookRoutesOptions = {
  record: (request: WebhookRequest) => Promise<RecordOutcome>;
  metrics: Metrics;
  bodyLimitBytes: number;
};

const SOURCES: readonly WebhookSource[] = ['shopify', 'woocommerce', 'erp'];
const WARN = 40; // pino's numeric level for warn

/** Refusals Fastify makes before the handler runs, counted like the handler's own. */
const PARSER_OUTCOMES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
};

const isForm = (contentType: string | undefined) =>
  contentType?.trim().toLowerCase().startsWith('application/x-www-form-urlencoded') ?? false;

export async function webhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions) {
  const keepRaw = { parseAs: 'buffer' as const, bodyLimit: options.bodyLimitBytes };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', keepRaw, (_request, body, done) => done(null, body));
  // Only for WooCommerce's ping (`webhook_id=N`); any other form body is answered 415.
  app.addContentTypeParser('application/x-www-form-urlencoded', keepRaw, (_request, body, done) => done(null, body));

  // Per-request info logs at thousands of deliveries a second would cost more than the work, and so
  // would a child logger per request (pino rebuilds its methods for a child with its own level). One
  // logger at warn (or quieter) serves every request here; the correlation id still rides along
  // through the request context, the metrics count every delivery, and bad input is logged.
  let quiet: FastifyBaseLogger | undefined;
  app.setChildLoggerFactory((logger) => {
    const levelValue = (logger as FastifyBaseLogger & { levelVal?: number }).levelVal ?? 0;
    quiet ??= logger.child({ module: 'webhooks' }, { level: levelValue >= WARN ? logger.level : 'warn' });
    return quiet;
  });

  app.setErrorHandler((error: FastifyError, request) => {
    const source = SOURCES.find((name) => request.routeOptions.url === `/webhooks/${name}/:connectionId`);
    const outcome = PARSER_OUTCOMES[error.code];
    if (source && outcome) {
      options.metrics.webhooksReceived.inc({ source });
      options.metrics.webhookOutcomes.inc({ source, outcome });
    }
    // The app's error plugin answers (413, 415, 400, or 500 with the request id).
    throw error;
  });

  for (const source of SOURCES) {
    app.post<{ Params: { connectionId: string } }>(
      `/webhooks/${source}/:connectionId`,
      // Browser security headers mean nothing to a platform's webhook client.
      { helmet: false },
      async (request: FastifyRequest<{ Params: { connectionId: string } }>, reply: FastifyReply) => {
        const body = request.body;
        const outcome: RecordOutcome = Buffer.isBuffer(body)
          ? await options.record({
              source,
              connectionId: request.params.connectionId,
              headers: request.headers,
              body,
              form: isForm(request.headers['content-type']),
            })
          : { outcome: 'unsupported_media_type' }; // no body and no content type at all
        const answer = webhookReply(outcome, String(request.id));
        if (answer.retryAfterSeconds) reply.header('retry-after', String(answer.retryAfterSeconds));
        return reply.code(answer.status).send(answer.body);
      },
    );
  }
}
