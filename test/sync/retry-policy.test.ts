import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, ThrottledError } from '../../src/connectors/errors.js';
import { classifyError, DEFAULT_RETRY_POLICY, decideRetry } from '../../src/sync/retry-policy.js';

const policy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 10, retryAfterJitterMs: 250 };
const half = () => 0.5;

describe('decideRetry', () => {
  it.each([
    [
      'a retryable error on the first attempt',
      new RetryableError('503', { code: 'WOO_HTTP_503', status: 503 }),
      1,
      { action: 'retry', delayMs: 500 },
    ],
    [
      'a retryable error on the third attempt doubles the ceiling twice',
      new RetryableError('timeout', { code: 'TIMEOUT' }),
      3,
      { action: 'retry', delayMs: 2_000 },
    ],
    [
      'a throttle with a named wait waits that long plus jitter',
      new ThrottledError('slow down', { code: 'SHOPIFY_THROTTLED', retryAfterMs: 4_000 }),
      1,
      { action: 'retry', delayMs: 4_125 },
    ],
    [
      'a named wait beyond the cap is capped',
      new ThrottledError('slow down', { code: 'HTTP_429', retryAfterMs: 600_000 }),
      1,
      { action: 'retry', delayMs: 60_000 },
    ],
    [
      'a permanent error dead-letters at once',
      new PermanentError('bad token', { code: 'SHOPIFY_AUTH_FAILED', status: 401 }),
      1,
      { action: 'dead_letter', reason: 'permanent error SHOPIFY_AUTH_FAILED' },
    ],
    [
      'the last attempt dead-letters a retryable error',
      new RetryableError('503', { code: 'WOO_HTTP_503' }),
      10,
      { action: 'dead_letter', reason: 'WOO_HTTP_503 after 10 attempts' },
    ],
    ['an unclassified error is retried', new Error('connection reset'), 2, { action: 'retry', delayMs: 1_000 }],
    [
      'a plain object with kind permanent (crossed a process boundary) dead-letters',
      { kind: 'permanent', code: 'WOO_NOT_FOUND', message: 'gone' },
      1,
      { action: 'dead_letter', reason: 'permanent error WOO_NOT_FOUND' },
    ],
    [
      'a plain object with kind throttled keeps its wait',
      { kind: 'throttled', code: 'X', retryAfterMs: 100 },
      1,
      { action: 'retry', delayMs: 225 },
    ],
    [
      'an UnrecoverableError wrapping a permanent error dead-letters with the inner code',
      Object.assign(new Error('x'), { name: 'UnrecoverableError', cause: new PermanentError('x', { code: 'ERP_UNKNOWN_ITEM' }) }),
      1,
      { action: 'dead_letter', reason: 'permanent error ERP_UNKNOWN_ITEM' },
    ],
    ['a non-error thrown value is retried', 'boom', 1, { action: 'retry', delayMs: 500 }],
  ])('%s', (_name, error, attempt, expected) => {
    expect(decideRetry(error, attempt, policy, half)).toEqual(expected);
  });

  it('classifies by code and kind, not by class: a copied error keeps its verdict', () => {
    const original = new ThrottledError('throttled', { code: 'SHOPIFY_THROTTLED', retryAfterMs: 2_000 });
    const copied = JSON.parse(JSON.stringify(original.toJSON()));
    expect(classifyError(copied)).toEqual(classifyError(original));
    expect(classifyError(copied)).toEqual({ kind: 'throttled', code: 'SHOPIFY_THROTTLED', retryAfterMs: 2_000 });
  });

  it('full jitter: the delay is never below zero nor above the cap, whatever the attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const decision = decideRetry(new RetryableError('x', { code: 'X' }), attempt, policy, () => random);
        expect(decision.action).toBe('retry');
        if (decision.action !== 'retry') return;
        expect(decision.delayMs).toBeGreaterThanOrEqual(0);
        expect(decision.delayMs).toBeLessThanOrEqual(Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1)));
      }),
    );
  });

  it('a platform-named wait is honoured (up to the cap) and the delay stays within [0, cap]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, retryAfterMs, random) => {
          const decision = decideRetry(new ThrottledError('x', { code: 'T', retryAfterMs }), attempt, policy, () => random);
          if (decision.action !== 'retry') throw new Error('expected a retry');
          expect(decision.delayMs).toBeGreaterThanOrEqual(Math.min(retryAfterMs, policy.capMs));
          expect(decision.delayMs).toBeLessThanOrEqual(policy.capMs);
        },
      ),
    );
  });

  it('attempts at or past the limit always dead-letter; permanent errors dead-letter on any attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), (attempt) => {
        const retryable = decideRetry(new RetryableError('x', { code: 'X' }), attempt, policy);
        expect(retryable.action).toBe(attempt >= policy.maxAttempts ? 'dead_letter' : 'retry');
        expect(decideRetry(new PermanentError('x', { code: 'P' }), attempt, policy).action).toBe('dead_letter');
      }),
    );
  });

  it('a random source outside [0, 1) cannot push the delay out of bounds', () => {
    for (const random of [-1, 1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const decision = decideRetry(new RetryableError('x', { code: 'X' }), 30, { ...DEFAULT_RETRY_POLICY, maxAttempts: 100 }, () => random);
      if (decision.action !== 'retry') throw new Error('expected a retry');
      expect(decision.delayMs).toBeGreaterThanOrEqual(0);
      expect(decision.delayMs).toBeLessThan(DEFAULT_RETRY_POLICY.capMs);
    }
  });
});
