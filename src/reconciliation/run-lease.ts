// While a worker executes a run it holds the run's lease: a timer writes the heartbeat and the
// current progress every `intervalMs`. When a write finds the lease gone (another worker resumed
// the run after a stall, or the watchdog failed it) the signal aborts and the run stops at its next
// checkpoint instead of writing on beside its successor.
import type { Logger } from '../observability/logger.js';
import type { RunProgress, RunStore } from './run-store.js';

export class LeaseLostError extends Error {
  readonly code = 'RECONCILIATION_LEASE_LOST';
  override readonly name = 'LeaseLostError';
}

export type RunLease = {
  readonly signal: AbortSignal;
  /** Throws LeaseLostError once the lease is gone. */
  check(): void;
  /** Writes heartbeat and progress now (phase changes); throws LeaseLostError when lost. */
  flush(): Promise<void>;
  stop(): void;
};

export function startRunLease(options: {
  store: Pick<RunStore, 'beat'>;
  runId: string;
  token: string;
  intervalMs: number;
  progress: () => RunProgress;
  log: Logger;
}): RunLease {
  const controller = new AbortController();
  let writing: Promise<void> = Promise.resolve();

  const beat = async () => {
    if (controller.signal.aborted) return;
    const held = await options.store.beat(options.runId, options.token, options.progress());
    if (!held) {
      options.log.warn({ runId: options.runId }, 'reconciliation lease lost: stopping this worker’s copy of the run');
      controller.abort(new LeaseLostError(`run ${options.runId} is no longer held by this worker`));
    }
  };
  // Beats never overlap: a slow database must not pile up writes.
  const enqueueBeat = () => {
    writing = writing
      .then(beat)
      .catch((error: unknown) => options.log.warn({ err: error, runId: options.runId }, 'heartbeat write failed'));
    return writing;
  };
  const timer = setInterval(() => void enqueueBeat(), options.intervalMs);
  timer.unref();

  const check = () => {
    if (controller.signal.aborted)
      throw controller.signal.reason instanceof Error ? controller.signal.reason : new LeaseLostError('lease lost');
  };
  return {
    signal: controller.signal,
    check,
    async flush() {
      check();
      await enqueueBeat();
      check();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
