// One outcome → one HTTP answer. Platforms read only the status: 2xx means "delivered" (Shopify and
// WooCommerce drop or disable subscriptions that keep failing), 503 means "try again later".
import type { RecordOutcome, RejectReason } from '../../inbox/record-webhook.js';

export type WebhookReply = { status: number; body: Record<string, unknown>; retryAfterSeconds?: number };

const REJECTIONS: Record<RejectReason, string> = {
  malformed_json: 'the body is not valid UTF-8 JSON',
  not_object: 'the body is JSON but not an object',
  too_deep: 'the JSON is nested deeper than this service accepts',
  forbidden_key: 'the JSON contains a "__proto__" key',
  missing_headers: 'the delivery does not say what it is (topic or event id missing)',
};

const error = (status: number, code: string, message: string, requestId: string): WebhookReply => ({
  status,
  body: { error: { code, message, requestId } },
});

export function webhookReply(outcome: RecordOutcome, requestId: string): WebhookReply {
  switch (outcome.outcome) {
    case 'accepted':
      return { status: 200, body: { outcome: outcome.status === 'received' ? 'accepted' : outcome.status, eventId: outcome.eventId } };
    case 'duplicate':
    case 'ping':
      return { status: 200, body: { outcome: outcome.outcome } };
    case 'not_found':
      return error(404, 'CONNECTION_NOT_FOUND', 'no such connection for this platform', requestId);
    case 'bad_signature':
      return error(401, 'BAD_SIGNATURE', 'the signature is missing or does not match this connection', requestId);
    case 'shop_mismatch':
      return error(401, 'SHOP_MISMATCH', 'X-Shopify-Shop-Domain does not match this connection', requestId);
    case 'rejected':
      return error(400, outcome.reason.toUpperCase(), REJECTIONS[outcome.reason], requestId);
    case 'unsupported_media_type':
      return error(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json', requestId);
    case 'unavailable':
      return { ...error(503, 'INBOX_UNAVAILABLE', 'the event could not be stored now; retry later', requestId), retryAfterSeconds: 5 };
  }
}
