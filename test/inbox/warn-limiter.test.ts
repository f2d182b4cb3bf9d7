import { describe, expect, it } from 'vitest';
import { createWarnLimiter } from '../../src/inbox/warn-limiter.js';

describe('createWarnLimiter', () => {
  it('lets one warning per key through per window and reports how many it held back', () => {
    let now = 0;
    const limiter = createWarnLimiter({ windowMs: 1_000, clock: () => now });
    expect(limiter.allow('a')).toEqual({ log: true, suppressed: 0 });
    expect(limiter.allow('a').log).toBe(false);
    expect(limiter.allow('a').log).toBe(false);
    expect(limiter.allow('b').log).toBe(true);
    now = 1_000;
    expect(limiter.allow('a')).toEqual({ log: true, suppressed: 2 });
  });

  it('stays bounded when keys keep changing', () => {
    const limiter = createWarnLimiter({ windowMs: 60_000, maxKeys: 2, clock: () => 0 });
    limiter.allow('a');
    limiter.allow('b');
    limiter.allow('c'); // evicts a
    expect(limiter.allow('a').log).toBe(true);
    expect(limiter.allow('c').log).toBe(false);
  });
});
