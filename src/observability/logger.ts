// One pino root for the process. Redaction covers every place a secret can ride: headers, bodies
// of connection requests, credentials objects and token fields, at any depth we log them.
import { type Logger, pino } from 'pino';
import { currentContext } from './context.js';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'apiKey',
  'apiSecret',
  'clientSecret',
  'consumerKey',
  'consumerSecret',
  'webhookSecret',
  'credentials',
  'authorization',
  'cookie',
];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-shopify-access-token"]',
  'req.headers["x-wc-webhook-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-stockbridge-signature"]',
  'res.headers["set-cookie"]',
  // A secret key at the top level, or up to two objects deep.
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'stockbridge' },
      // Every line written while handling an event carries its correlation id.
      mixin: () => {
        const context = currentContext();
        return context ? { correlationId: context.correlationId } : {};
      },
    },
    options.destination,
  );
}
