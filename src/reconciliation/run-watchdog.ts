// A run must end: completed, or failed with a reason. The watchdog looks at runs whose heartbeat
// went quiet and asks the queue what became of their job. A job waiting to be picked up again
// (BullMQ hands a stalled job to the next worker) is left alone for a while: that worker resumes
// the run. Anything else (job failed for good, lost, or a worker holding it without beating) ends
// the run as failed, and the worker, if it still lives, stops at its next heartbeat.
import type { Logger } from '../observability/logger.js';
import type { RunRecord, RunStore } from './run-store.js';

export type JobLookup = { state: string; failedReason?: string } | null;

export type WatchdogDecision = { action: 'keep' } | { action: 'fail'; reason: string };

export type WatchdogLimits = {
  /** A running run silent this long is looked at. */
  silentAfterMs: number;
  /** A run waiting in the queue after a stall (or never started) this long is given up. */
  maxWaitMs: number;
};

const WAITING_STATES = new Set(['waiting', 'wait', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/** Pure: what to do with one silent run, given its job's state. */
export function decideSilentRun(run: RunRecord, job: JobLookup, now: Date, limits: WatchdogLimits): WatchdogDecision {
  const lastSign = (run.heartbeatAt ?? run.createdAt).getTime();
  const silentMs = now.getTime() - lastSign;
  const since = new Date(lastSign).toISOString();
  if (!job) return { action: 'fail', reason: `the run's queue job is gone (last heartbeat ${since}); start a new run` };
  if (job.state === 'failed') {
    return { action: 'fail', reason: `the run's job failed: ${job.failedReason ?? 'no reason given'} (last heartbeat ${since})` };
  }
  if (job.state === 'completed')
    return { action: 'fail', reason: `the run's job ended without finishing the run (last heartbeat ${since})` };
  if (WAITING_STATES.has(job.state)) {
    if (silentMs < limits.maxWaitMs) return { action: 'keep' };
    const what = run.status === 'queued' ? 'no worker started the run' : 'no worker resumed the run after its worker stopped';
    return { action: 'fail', reason: `${what} within ${Math.round(limits.maxWaitMs / 1000)} s (last heartbeat ${since})` };
  }
  if (job.state === 'active' && run.status === 'running' && silentMs >= limits.silentAfterMs) {
    return { action: 'fail', reason: `worker stopped sending heartbeats (last ${since}) while still holding the job` };
  }
  return { action: 'keep' };
}

export function createRunWatchdog(deps: {
  store: Pick<RunStore, 'listSilentSince' | 'fail'>;
  lookupJob: (runId: string) => Promise<JobLookup>;
  limits: WatchdogLimits;
  log: Logger;
  clock?: () => Date;
}) {
  const clock = deps.clock ?? (() => new Date());
  return async function checkRuns(): Promise<{ failed: { id: string; reason: string }[] }> {
    const now = clock();
    const silent = await deps.store.listSilentSince(new Date(now.getTime() - deps.limits.silentAfterMs));
    const failed: { id: string; reason: string }[] = [];
    for (const run of silent) {
      const decision = decideSilentRun(run, await deps.lookupJob(run.id), now, deps.limits);
      if (decision.action === 'keep') continue;
      if (await deps.store.fail(run.id, decision.reason)) {
        deps.log.error({ runId: run.id, reason: decision.reason }, 'reconciliation run failed by the watchdog');
        failed.push({ id: run.id, reason: decision.reason });
      }
    }
    return { failed };
  };
}
