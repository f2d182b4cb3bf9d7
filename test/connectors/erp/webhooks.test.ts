import { describe, expect, it } from 'vitest';
import { readErpDelivery, verifyErpWebhook } from '../../../src/connectors/erp/webhooks.js';

// Computed independently (Python's hmac module), as docs/erp-contract.yaml specifies.
const body = '{"event":"stock.changed","items":[{"sku":"A-1","warehouse":"MAIN","available":3}]}';
const signature = 'tRHWrtIbmQLSZbP2wS/tnkp4mJ655f0wnzoioYP51eo=';

describe('verifyErpWebhook', () => {
  it('accepts base64 HMAC-SHA256 of the raw body in X-Stockbridge-Signature', () => {
    expect(verifyErpWebhook(Buffer.from(body), { 'x-stockbridge-signature': signature }, 'erp-secret')).toBe(true);
  });

  it('refuses a wrong secret, a changed body and a missing header', () => {
    expect(verifyErpWebhook(Buffer.from(body), { 'x-stockbridge-signature': signature }, 'erp-secreT')).toBe(false);
    expect(verifyErpWebhook(Buffer.from(`${body} `), { 'x-stockbridge-signature': signature }, 'erp-secret')).toBe(false);
    expect(verifyErpWebhook(Buffer.from(body), {}, 'erp-secret')).toBe(false);
  });
});

describe('readErpDelivery', () => {
  it('keys by X-Stockbridge-Event-Id and takes the topic from the body’s event', () => {
    const delivery = readErpDelivery({ 'x-stockbridge-event-id': 'e-1' }, new Map([['event', 'stock.changed']]));
    expect(delivery).toMatchObject({
      outcome: 'ok',
      topic: 'stock.changed',
      dedupeKey: 'event:e-1',
      headers: { 'x-stockbridge-event-id': 'e-1' },
    });
  });

  it('names what is missing', () => {
    expect(readErpDelivery({}, new Map())).toEqual({ outcome: 'missing_headers', missing: ['X-Stockbridge-Event-Id', 'event'] });
  });
});
