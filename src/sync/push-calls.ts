// Every call made to a channel is recorded in channel_calls (the "API calls" step of a SKU's story)
// and timed into the push-latency histogram, whether it succeeded or threw.
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export type CallRecord = {
  connectionId: string;
  channelKind: string;
  operation: string;
  skus: string[];
  correlationId: string;
};

export type CallRecorder = <T>(call: CallRecord, work: () => Promise<T>) => Promise<T>;

export function createCallRecorder(deps: {
  prisma: PrismaClient;
  metrics: Pick<Metrics, 'pushLatency'>;
  log: Logger;
  now?: () => number;
}): CallRecorder {
  const now = deps.now ?? (() => performance.now());
  return async (call, work) => {
    const started = now();
    try {
      const result = await work();
      await save(deps, call, { ok: true, durationMs: now() - started });
      return result;
    } catch (error) {
      await save(deps, call, { ok: false, durationMs: now() - started, error });
      throw error;
    }
  };
}

type CallResult = { ok: boolean; durationMs: number; error?: unknown };

async function save(
  deps: { prisma: PrismaClient; metrics: Pick<Metrics, 'pushLatency'>; log: Logger },
  call: CallRecord,
  result: CallResult,
) {
  const failure = errorFields(result.error);
  deps.metrics.pushLatency.observe({ channel_kind: call.channelKind, result: result.ok ? 'ok' : 'error' }, result.durationMs / 1000);
  try {
    await deps.prisma.channelCall.create({
      data: {
        connectionId: call.connectionId,
        operation: call.operation,
        skus: call.skus,
        ok: result.ok,
        httpStatus: failure.status ?? null,
        errorCode: result.ok ? null : (failure.code ?? 'UNKNOWN'),
        durationMs: Math.max(0, Math.round(result.durationMs)),
        cost: failure.cost ?? null,
        correlationId: call.correlationId,
      },
    });
  } catch (error) {
    // The call itself happened; losing its log row must not turn a good push into a retry.
    deps.log.warn({ err: error, operation: call.operation, connectionId: call.connectionId }, 'recording channel call failed');
  }
}

function errorFields(error: unknown): { status?: number; code?: string; cost?: number } {
  if (typeof error !== 'object' || error === null) return {};
  const record = error as { status?: unknown; code?: unknown; context?: { cost?: unknown } };
  return {
    ...(typeof record.status === 'number' ? { status: record.status } : {}),
    ...(typeof record.code === 'string' ? { code: record.code } : {}),
    ...(typeof record.context?.cost === 'number' ? { cost: record.context.cost } : {}),
  };
}
