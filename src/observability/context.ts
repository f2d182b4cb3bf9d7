// The correlation id starts at the inbox row (or the HTTP request), rides in job payloads, and lives
// here for the duration of the work so every log line and audit row can carry it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export type WorkContext = { correlationId: string };

const storage = new AsyncLocalStorage<WorkContext>();

export function runWithContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): WorkContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function newCorrelationId(): string {
  return randomUUID();
}
