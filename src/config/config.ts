// The one place that reads the environment. loadConfig parses every variable with zod and reports
// every bad one at once, so a misconfigured deploy fails fast with a readable message.
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

/** A base64 value that decodes to exactly 32 bytes (AES-256). */
const encryptionKey = z.string().refine((value) => Buffer.from(value, 'base64').length === 32, {
  message: 'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
});

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  DATABASE_URL: z.string().startsWith('postgres').default('postgresql://postgres@127.0.0.1:5432/stockbridge'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(5_000),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(2_000),
  REDIS_URL: z.string().startsWith('redis').default('redis://127.0.0.1:6379'),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(2_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:{}_-]+$/, 'letters, digits, ":", "{}", "_" and "-" only')
    .default('stockbridge'),
  ENCRYPTION_KEY: encryptionKey.optional(),
  ENCRYPTION_KEY_ID: z.string().min(1).max(64).default('k1'),
  /** Earlier keys, "id:base64,id:base64", kept readable during rotation. */
  ENCRYPTION_OLD_KEYS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  WEBHOOK_MAX_JSON_DEPTH: positiveInt.default(64),
  /** A webhook answers 503 when its inbox row is not committed within this (Shopify gives up after 5 s). */
  WEBHOOK_STORE_TIMEOUT_MS: positiveInt.default(1_500),
  /** How long a connection's webhook secret and paused flag are cached per API process. */
  WEBHOOK_SECRET_CACHE_TTL_MS: positiveInt.default(5_000),
  REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  /** Trust X-Forwarded-For (only behind a proxy you run): client IPs feed the login rate limit. */
  TRUST_PROXY: booleanString.default(false),
  ALLOW_PRIVATE_ENDPOINTS: booleanString.default(false),
  ALLOW_BASE_URL_OVERRIDE: booleanString.optional(),
  WORKER_CONCURRENCY: positiveInt.default(8),
  PUSH_COALESCE_MS: nonNegativeInt.default(200),
  POLL_INTERVAL_MS: positiveInt.default(120_000),
  INBOX_RELAY_INTERVAL_MS: positiveInt.default(5_000),
  /** The relay leaves rows younger than this to the API process that stored them. */
  INBOX_RELAY_MIN_AGE_MS: positiveInt.default(5_000),
  SKU_LOCK_TTL_MS: positiveInt.default(10_000),
  /** A store report equal to our last push within this long after it is our own write (echo). */
  ECHO_WINDOW_MS: positiveInt.default(600_000),
  /** An unexplained store quantity is judged a manual edit only once its event is this old. */
  MANUAL_EDIT_SETTLE_MS: nonNegativeInt.default(10_000),
  RECONCILE_CRON: z.string().default('0 3 * * *'),
  STALE_SKU_SLA_MS: positiveInt.default(300_000),
  SESSION_TTL_MS: positiveInt.default(8 * 3_600_000),
  /** Sign-in attempts allowed per (IP, email), per IP and per email within LOGIN_RATE_WINDOW_MS. */
  LOGIN_RATE_MAX_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_RATE_MAX_PER_IP: positiveInt.default(100),
  LOGIN_RATE_MAX_PER_EMAIL: positiveInt.default(50),
  LOGIN_RATE_WINDOW_MS: positiveInt.default(15 * 60_000),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .default('2026-04'),
});

export type Config = Readonly<{
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicUrl: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  database: { url: string; poolSize: number; statementTimeoutMs: number; connectTimeoutMs: number };
  redis: { url: string; commandTimeoutMs: number };
  queuePrefix: string;
  encryption: { key: Buffer | undefined; keyId: string; oldKeys: ReadonlyMap<string, Buffer> };
  webhooks: { bodyLimitBytes: number; maxJsonDepth: number; storeTimeoutMs: number; secretCacheTtlMs: number };
  requestTimeoutMs: number;
  trustProxy: boolean;
  endpoints: { allowPrivate: boolean; allowBaseUrlOverride: boolean };
  worker: {
    concurrency: number;
    pushCoalesceMs: number;
    pollIntervalMs: number;
    inboxRelayIntervalMs: number;
    inboxRelayMinAgeMs: number;
    skuLockTtlMs: number;
    echoWindowMs: number;
    manualEditSettleMs: number;
  };
  reconcileCron: string;
  staleSkuSlaMs: number;
  sessionTtlMs: number;
  loginRateLimit: { perAccountMax: number; perIpMax: number; perEmailMax: number; windowMs: number };
  shutdownGraceMs: number;
  shopifyApiVersion: string;
}>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseOldKeys(text: string, problems: string[]): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of text.split(',').filter((part) => part.trim() !== '')) {
    const [id, value] = entry.trim().split(':');
    const key = value === undefined ? undefined : Buffer.from(value, 'base64');
    if (!id || key?.length !== 32) {
      problems.push('ENCRYPTION_OLD_KEYS: each entry must be "<keyId>:<32 bytes base64>"');
      continue;
    }
    keys.set(id, key);
  }
  return keys;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in .env files mean "unset", not "invalid".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (!parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const oldKeys = parseOldKeys(e.ENCRYPTION_OLD_KEYS, problems);
  if (e.NODE_ENV === 'production') {
    if (!e.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: required when NODE_ENV=production');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    },
    redis: { url: e.REDIS_URL, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS },
    queuePrefix: e.QUEUE_PREFIX,
    encryption: {
      // Outside production a fixed development key keeps the demo zero-config; it is never
      // accepted in production (checked above).
      key: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'base64') : developmentKey(),
      keyId: e.ENCRYPTION_KEY ? e.ENCRYPTION_KEY_ID : 'dev',
      oldKeys,
    },
    webhooks: {
      bodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
      maxJsonDepth: e.WEBHOOK_MAX_JSON_DEPTH,
      storeTimeoutMs: e.WEBHOOK_STORE_TIMEOUT_MS,
      secretCacheTtlMs: e.WEBHOOK_SECRET_CACHE_TTL_MS,
    },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    endpoints: {
      allowPrivate: e.ALLOW_PRIVATE_ENDPOINTS,
      allowBaseUrlOverride: e.ALLOW_BASE_URL_OVERRIDE ?? e.NODE_ENV !== 'production',
    },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      pushCoalesceMs: e.PUSH_COALESCE_MS,
      pollIntervalMs: e.POLL_INTERVAL_MS,
      inboxRelayIntervalMs: e.INBOX_RELAY_INTERVAL_MS,
      inboxRelayMinAgeMs: e.INBOX_RELAY_MIN_AGE_MS,
      skuLockTtlMs: e.SKU_LOCK_TTL_MS,
      echoWindowMs: e.ECHO_WINDOW_MS,
      manualEditSettleMs: e.MANUAL_EDIT_SETTLE_MS,
    },
    reconcileCron: e.RECONCILE_CRON,
    staleSkuSlaMs: e.STALE_SKU_SLA_MS,
    sessionTtlMs: e.SESSION_TTL_MS,
    loginRateLimit: {
      perAccountMax: e.LOGIN_RATE_MAX_PER_ACCOUNT,
      perIpMax: e.LOGIN_RATE_MAX_PER_IP,
      perEmailMax: e.LOGIN_RATE_MAX_PER_EMAIL,
      windowMs: e.LOGIN_RATE_WINDOW_MS,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shopifyApiVersion: e.SHOPIFY_API_VERSION,
  });
}

function developmentKey(): Buffer {
  return Buffer.alloc(32, 'stockbridge-development-key-only');
}
