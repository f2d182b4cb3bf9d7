// What the three platforms' webhook helpers share: the signature check (all three sign the raw body
// with base64 HMAC-SHA256) and the identity a delivery is stored under. Each platform's webhooks.ts
// turns its own headers into a WebhookDelivery; the inbox stores it.
import { createHash, createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** The identity of one delivery, as the inbox stores it. */
export type WebhookDelivery = {
  outcome: 'ok';
  /** The platform's topic string, exactly as sent (bounded in length). */
  topic: string;
  /** The platform's event identity; the inbox's unique index is (connection, dedupeKey). */
  dedupeKey: string;
  webhookId: string | null;
  /** The resource's id as text: Shopify ids exceed 2^53. */
  resourceId: string | null;
  triggeredAt: Date | null;
  /** Headers worth keeping for support, never signatures. */
  headers: Record<string, string>;
};

/** A signed delivery whose headers or fields do not say what it is. */
export type UnidentifiedDelivery = { outcome: 'missing_headers'; missing: string[] };

/** Top-level primitives of the JSON body: numbers as their exact source text, strings decoded. */
export type BodyFields = ReadonlyMap<string, string>;

const MAX_SIGNATURE_CHARS = 128;

/**
 * True when `signature` is the base64 HMAC-SHA256 of exactly these bytes under `secret`. Compared in
 * constant time: a byte-by-byte early exit would let an attacker find the MAC one byte at a time.
 */
export function matchesBase64HmacSha256(body: Buffer, signature: string | undefined, secret: string | KeyObject): boolean {
  if (!signature || signature.length > MAX_SIGNATURE_CHARS) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One header's value (the first, when repeated), trimmed; undefined when absent or blank. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : undefined;
}

// Stored text is bounded (an index entry above ~2.7 kB fails the insert) and free of control
// characters (PostgreSQL's jsonb refuses \u0000).
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

export function boundedText(value: string, maxChars = 200): string {
  return value.replace(CONTROL, '').slice(0, maxChars);
}

/**
 * An identifier that goes into a de-duplication key: kept whole up to 255 characters (the ERP
 * contract's limit), hashed beyond, so two long ids never collide by truncation.
 */
export function identityText(value: string): string {
  const clean = value.replace(CONTROL, '');
  return clean.length <= 255 ? clean : `sha256:${createHash('sha256').update(clean).digest('hex')}`;
}

/** Keeps only the named headers that are present, bounded. */
export function pickHeaders(headers: WebhookHeaders, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headerValue(headers, name);
    if (value !== undefined) kept[name] = boundedText(value, 300);
  }
  return kept;
}

/** A platform timestamp, or null when absent or not a sane date (never an Invalid Date). */
export function timestampOrNull(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1970 || year > 9999 ? null : date;
}
