// Graceful shutdown: on SIGTERM/SIGINT stop accepting requests, let running jobs finish (or hand
// them back to the queue when the grace period ends), then close pools. A second signal exits now.
import type { Logger } from '../observability/logger.js';

export type Stoppable = { name: string; stop: () => Promise<unknown> };

export function onShutdownSignals(options: { log: Logger; graceMs: number; steps: Stoppable[]; exit?: (code: number) => void }) {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      options.log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.log.error({ graceMs: options.graceMs }, 'shutdown grace period over: exiting');
      exit(1);
    }, options.graceMs);
    timer.unref();
    for (const step of options.steps) {
      try {
        await step.stop();
        options.log.info({ step: step.name }, 'stopped');
      } catch (error) {
        options.log.warn({ err: error, step: step.name }, 'stop step failed');
      }
    }
    clearTimeout(timer);
    exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
