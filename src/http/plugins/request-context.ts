// Every request gets a correlation id (the caller's X-Request-Id when it looks sane), echoed in the
// response and carried by every log line and job the request starts.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runWithContext } from '../../observability/context.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

export const requestContextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    runWithContext({ correlationId: String(request.id) }, done);
  });
});
