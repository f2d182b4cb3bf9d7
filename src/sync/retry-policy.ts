// The one place that decides what happens after a job fails: a delayed retry or the dead-letter list.
// Pure: the worker runtime carries the decision out (a BullMQ backoff delay or UnrecoverableError).
// Errors are classified by their `kind` and `code`, never by `instanceof` alone, because an error that
// crossed a process or package boundary keeps its fields but not its prototype.
import { errorKindOf } from '../connectors/errors.js';

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'dead_letter'; reason: string };

export type RetryPolicy = {
  /** First retry waits up to this long; each later one doubles the ceiling. */
  baseMs: number;
  /** No wait is ever longer than this, not even one the platform asked for. */
  capMs: number;
  /** Attempts in total (the first run included); the last failure dead-letters. */
  maxAttempts: number;
  /** Upper bound of the small jitter added to a platform-named wait, so throttled workers do not stampede. */
  retryAfterJitterMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxAttempts: 10, retryAfterJitterMs: 250 };

/** Codes that mean "retrying cannot help" even when the thrower did not say so through `kind`. */
const PERMANENT_CODES = new Set(['UNRECOVERABLE', 'INVALID_PAYLOAD', 'VALIDATION_FAILED', 'CONFIG_INVALID']);

type Classified = { kind: 'retryable' | 'throttled' | 'permanent'; code: string; retryAfterMs: number | undefined };

/** Reads kind, code and the platform's wait from anything thrown, looking through `cause` once. */
export function classifyError(error: unknown): Classified {
  const fields = fieldsOf(error);
  const inner = fieldsOf(fields.cause);
  const kind = errorKindOf(error) !== 'unknown' ? errorKindOf(error) : errorKindOf(fields.cause);
  const code = fields.code ?? inner.code ?? fields.name ?? 'UNKNOWN';
  const retryAfterMs = fields.retryAfterMs ?? inner.retryAfterMs;
  if (kind === 'permanent' || PERMANENT_CODES.has(code) || fields.name === 'UnrecoverableError') {
    return { kind: 'permanent', code, retryAfterMs };
  }
  // Anything unclassified (a database hiccup, a reset socket) is worth another try; the attempt
  // limit still ends a bug that fails every time in the dead-letter list.
  return { kind: kind === 'throttled' ? 'throttled' : 'retryable', code, retryAfterMs };
}

/**
 * `attempt` is the 1-based number of the attempt that just failed. Retryable and throttled errors
 * wait with full-jitter exponential backoff (AWS "Exponential Backoff and Jitter"), capped, or the
 * wait the platform named (Retry-After, Shopify throttle status) when it named one.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  policy: Partial<RetryPolicy> = {},
  random: () => number = Math.random,
): RetryDecision {
  const settings = { ...DEFAULT_RETRY_POLICY, ...policy };
  const classified = classifyError(error);
  if (classified.kind === 'permanent') return { action: 'dead_letter', reason: `permanent error ${classified.code}` };
  if (attempt >= settings.maxAttempts) {
    return { action: 'dead_letter', reason: `${classified.code} after ${attempt} attempts` };
  }
  return { action: 'retry', delayMs: retryDelayMs(classified.retryAfterMs, attempt, settings, random) };
}

function retryDelayMs(retryAfterMs: number | undefined, attempt: number, policy: RetryPolicy, random: () => number): number {
  const unit = clampUnit(random());
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(policy.capMs, Math.ceil(retryAfterMs) + Math.floor(unit * policy.retryAfterJitterMs));
  }
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.floor(unit * ceiling);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999_999 : value;
}

type ErrorFields = { code?: string; name?: string; retryAfterMs?: number; cause?: unknown };

function fieldsOf(error: unknown): ErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const record = error as Record<string, unknown>;
  return {
    code: typeof record.code === 'string' && record.code !== '' ? record.code : undefined,
    name: typeof record.name === 'string' ? record.name : undefined,
    retryAfterMs: typeof record.retryAfterMs === 'number' ? record.retryAfterMs : undefined,
    cause: record.cause,
  };
}
