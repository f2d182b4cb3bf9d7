import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/reconciliation/run-store.js';
import { decideSilentRun, type JobLookup } from '../../src/reconciliation/run-watchdog.js';

const now = new Date('2026-05-01T12:00:00.000Z');
const limits = { silentAfterMs: 60_000, maxWaitMs: 30 * 60_000 };
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

function run(status: 'queued' | 'running', heartbeatMinutesAgo: number | null, createdMinutesAgo = 120): RunRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    status,
    scope: {},
    heal: false,
    requestedBy: 'test',
    progress: { phase: 'reading', sources: {} },
    totals: {},
    error: null,
    createdAt: minutesAgo(createdMinutesAgo),
    startedAt: status === 'running' ? minutesAgo(createdMinutesAgo) : null,
    finishedAt: null,
    heartbeatAt: heartbeatMinutesAgo === null ? null : minutesAgo(heartbeatMinutesAgo),
  };
}

describe('decideSilentRun', () => {
  it.each<[string, RunRecord, JobLookup, string | null]>([
    ['job gone', run('running', 5), null, "the run's queue job is gone"],
    [
      'job failed for good (stalled too often)',
      run('running', 5),
      { state: 'failed', failedReason: 'job stalled more than allowable limit' },
      'job stalled more than allowable limit',
    ],
    ['job completed without completing the run', run('running', 5), { state: 'completed' }, 'ended without finishing'],
    ['worker holds the job but stopped beating', run('running', 5), { state: 'active' }, 'stopped sending heartbeats'],
    ['waiting after a stall, briefly: a worker will resume it', run('running', 5), { state: 'waiting' }, null],
    ['delayed retry, briefly', run('running', 5), { state: 'delayed' }, null],
    ['waiting after a stall for longer than allowed', run('running', 45), { state: 'waiting' }, 'no worker resumed the run'],
    ['queued behind another run, briefly', run('queued', null, 5), { state: 'waiting' }, null],
    ['queued and never started', run('queued', null, 45), { state: 'waiting' }, 'no worker started the run'],
    ['queued but its job is gone', run('queued', null, 5), null, "the run's queue job is gone"],
  ])('%s', (_name, silent, job, reason) => {
    const decision = decideSilentRun(silent, job, now, limits);
    if (reason === null) expect(decision).toEqual({ action: 'keep' });
    else expect(decision).toEqual({ action: 'fail', reason: expect.stringContaining(reason) });
  });

  it('names the last heartbeat in the reason', () => {
    const decision = decideSilentRun(run('running', 5), null, now, limits);
    expect(decision).toEqual({ action: 'fail', reason: expect.stringContaining(minutesAgo(5).toISOString()) });
  });
});
