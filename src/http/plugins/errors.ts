// One error → status map. A 4xx says what was wrong (zod field paths); a 5xx says "internal error"
// and the request id, and the details go to the log only.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { errorKindOf } from '../../connectors/errors.js';
import { HttpError } from '../errors.js';

type ErrorBody = { error: { code: string; message: string; requestId: string; details?: unknown } };

/**
 * Errors the router raises before any hook runs (a URL whose %-escapes do not decode, a path
 * parameter past maxParamLength): answered in the same shape, with the request id, instead of
 * Fastify's own body.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id);
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
  const message = status >= 500 ? `internal error (request ${requestId})` : error.message;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  reply
    .code(status)
    .header('x-request-id', requestId)
    .send({ error: { code: error.code ?? 'BAD_REQUEST', message, requestId } } satisfies ErrorBody);
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: request.id } });
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const requestId = String(request.id);
    const send = (status: number, body: ErrorBody['error']) => reply.code(status).send({ error: body } satisfies ErrorBody);

    if (error instanceof HttpError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return send(error.statusCode, { code: error.code, message: error.message, requestId, details: error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message,
      }));
      return send(400, {
        code: 'VALIDATION_FAILED',
        message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
        requestId,
        details,
      });
    }
    if (error instanceof ZodError) {
      const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return send(400, {
        code: 'VALIDATION_FAILED',
        message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
        requestId,
        details,
      });
    }
    if (errorKindOf(error) === 'permanent' || errorKindOf(error) === 'retryable' || errorKindOf(error) === 'throttled') {
      request.log.warn({ err: error }, 'platform call failed');
      const code = (error as { code?: string }).code ?? 'PLATFORM_ERROR';
      return send(502, { code, message: error.message, requestId });
    }
    const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (statusCode < 500) {
      const code = 'code' in error && typeof error.code === 'string' ? error.code : 'BAD_REQUEST';
      return send(statusCode, { code, message: error.message, requestId });
    }
    request.log.error({ err: error }, 'request failed');
    return send(500, { code: 'INTERNAL', message: `internal error (request ${requestId})`, requestId });
  });
});
