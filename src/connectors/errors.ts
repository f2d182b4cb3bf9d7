// Every failure a connector reports is one of three kinds, each with a stable code. The engine
// decides retries from the code (decideRetry), never from message text, and never guesses.

export type ConnectorErrorKind = 'retryable' | 'throttled' | 'permanent';

export type ConnectorErrorDetails = {
  /** Stable code, e.g. SHOPIFY_THROTTLED, WOO_HTTP_503, ERP_AUTH_FAILED. */
  code: string;
  /** HTTP status when there was a response. */
  status?: number;
  /** The platform's request id, for support tickets. */
  requestId?: string;
  /** The wait the platform asked for (Retry-After, throttle status). */
  retryAfterMs?: number;
  /** Extra context kept with a dead letter (never credentials). */
  context?: Record<string, unknown>;
  cause?: unknown;
};

export abstract class ConnectorError extends Error {
  abstract readonly kind: ConnectorErrorKind;
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly context: Record<string, unknown>;

  constructor(message: string, details: ConnectorErrorDetails) {
    super(message, { cause: details.cause });
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.context = details.context ?? {};
  }

  toJSON() {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      context: this.context,
    };
  }
}

/** Timeouts, connection resets, 5xx: try again later. */
export class RetryableError extends ConnectorError {
  readonly kind = 'retryable' as const;
  override readonly name = 'RetryableError';
}

/** The platform's rate limit (HTTP 429, Shopify THROTTLED): wait retryAfterMs, then try again. */
export class ThrottledError extends ConnectorError {
  readonly kind = 'throttled' as const;
  override readonly name = 'ThrottledError';
}

/** Auth failures, validation errors, unknown items: retrying cannot help. */
export class PermanentError extends ConnectorError {
  readonly kind = 'permanent' as const;
  override readonly name = 'PermanentError';
}

/** Reads the kind from anything thrown, including errors that crossed a process boundary. */
export function errorKindOf(error: unknown): ConnectorErrorKind | 'unknown' {
  if (typeof error === 'object' && error !== null && 'kind' in error) {
    const kind = (error as { kind: unknown }).kind;
    if (kind === 'retryable' || kind === 'throttled' || kind === 'permanent') return kind;
  }
  return 'unknown';
}

/** Maps an HTTP status to the error kind most platforms mean by it. */
export function errorForStatus(status: number, message: string, details: Omit<ConnectorErrorDetails, 'status'>): ConnectorError {
  if (status === 429) return new ThrottledError(message, { ...details, status });
  if (status === 408 || status >= 500) return new RetryableError(message, { ...details, status });
  return new PermanentError(message, { ...details, status });
}
