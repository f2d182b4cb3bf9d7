// Test helpers for ERP connectors: a silent logger, and real loopback sockets for the failures nock
// cannot fake with Node's fetch (nock 15.0.6: replyWithError never settles, and .delay() with an
// aborted request trips an assertion inside undici).
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import nock from 'nock';
import { pino } from 'pino';
import { expect } from 'vitest';

export const silentLog = pino({ level: 'silent' });

/** A server that accepts requests and never answers them. */
export async function startSilentServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer(() => {
    count += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL on which nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Runs a promise that must reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a rejection, got a result');
}

/** After each nock test: every interceptor was used. Cleans first, so a failure never leaks into the next test. */
export function expectNockDone(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
}
