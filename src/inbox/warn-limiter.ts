// Warnings about bad input are rate-limited per key: a store hammering us with bad signatures must
// not become a log flood. The first warning of a window is written, with how many were suppressed
// since the previous one; the metric counts every occurrence.
export type WarnLimiter = {
  /** True when this occurrence should be logged; `suppressed` is how many were skipped before it. */
  allow(key: string): { log: boolean; suppressed: number };
};

export function createWarnLimiter(options: { windowMs: number; maxKeys?: number; clock?: () => number }): WarnLimiter {
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? 1_000;
  const windows = new Map<string, { openedAt: number; suppressed: number }>();
  return {
    allow(key) {
      const now = clock();
      const window = windows.get(key);
      if (window && now - window.openedAt < options.windowMs) {
        window.suppressed++;
        return { log: false, suppressed: window.suppressed };
      }
      if (!window && windows.size >= maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.delete(key);
      windows.set(key, { openedAt: now, suppressed: 0 });
      return { log: true, suppressed: window?.suppressed ?? 0 };
    },
  };
}
