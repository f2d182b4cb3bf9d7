// The generic-rest contract (docs/erp-contract.yaml) as a real ERP would serve it, with the knobs
// that make it misbehave: latency, 503s, 429s with Retry-After, and replies lost after the work was
// done (the case that double-applies movements in clients without idempotency).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CallRecord, SimKnobs } from './control.js';
import type { ErpState, StockCursor } from './erp-state.js';
import type { WebhookSender } from './webhook-sender.js';

export type ContractDeps = {
  state: ErpState;
  sender: WebhookSender;
  knobs: SimKnobs;
  calls: CallRecord[];
  apiKey: string;
  random: () => number;
  /** Waits `ms`, or less if the simulator is closing. */
  hold: (ms: number) => Promise<void>;
};

const MAX_CALLS_KEPT = 10_000;

const ListQuery = z.object({
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const QueryBody = z.object({ skus: z.array(z.string().min(1).max(255)).min(1).max(1000) });
const MovementBody = z.strictObject({
  sku: z.string().min(1).max(255),
  warehouse: z.string().min(1),
  quantity: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((value) => value !== 0, 'must not be 0'),
  kind: z.enum(['sale', 'release', 'adjustment']),
  reference: z.string().min(1).max(500),
  occurredAt: z.iso.datetime({ offset: true }),
});
const IdempotencyKey = z.string().min(1).max(255);
const Cursor = z.tuple([z.number().int(), z.string(), z.string()]);

const fail = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ error: { code, message } });

function validationMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

function sameKey(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

function decodeCursor(text: string): StockCursor | null {
  try {
    const [updatedAtMs, sku, warehouse] = Cursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { updatedAtMs, sku, warehouse };
  } catch {
    return null;
  }
}

export async function registerContractRoutes(app: FastifyInstance, deps: ContractDeps): Promise<void> {
  const { state, knobs } = deps;
  const held = new WeakSet<FastifyRequest>();

  app.setErrorHandler((error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) return fail(reply, 500, 'unavailable', 'internal error');
    return fail(reply, status, 'validation_failed', (error as Error).message);
  });
  app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'not_found', 'no such route'));

  app.addHook('onRequest', async (request, reply) => {
    if (knobs.latencyMs > 0) await deps.hold(knobs.latencyMs);
    if (!sameKey(request.headers.authorization, deps.apiKey)) return fail(reply, 401, 'unauthorized', 'missing or wrong API key');
    if (deps.random() < knobs.throttleRate) {
      reply.header('retry-after', String(knobs.retryAfterSeconds));
      return fail(reply, 429, 'rate_limited', 'too many requests');
    }
    if (deps.random() < knobs.errorRate) {
      reply.header('retry-after', String(knobs.retryAfterSeconds));
      return fail(reply, 503, 'unavailable', 'temporarily unavailable');
    }
    if (deps.random() < knobs.timeoutRate) held.add(request);
  });
  // Logged before a reply is held, so a lost reply shows in the log while the client still waits.
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.headers['idempotency-key'];
    deps.calls.push({
      at: new Date().toISOString(),
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      status: reply.statusCode,
      idempotencyKey: typeof key === 'string' ? key : null,
      held: held.has(request),
    });
    if (deps.calls.length > MAX_CALLS_KEPT) deps.calls.splice(0, deps.calls.length - MAX_CALLS_KEPT);
    if (held.has(request)) await deps.hold(knobs.hangMs);
    return payload;
  });

  app.get('/stock', async (request, reply) => {
    const query = ListQuery.safeParse(request.query);
    if (!query.success) return fail(reply, 400, 'validation_failed', validationMessage(query.error));
    const after = query.data.cursor ? decodeCursor(query.data.cursor) : undefined;
    if (after === null) return fail(reply, 400, 'validation_failed', 'cursor: not one this ERP issued');
    const page = state.listRows({
      updatedSinceMs: query.data.updatedSince ? Date.parse(query.data.updatedSince) : undefined,
      after,
      limit: query.data.limit,
    });
    const nextCursor = page.next
      ? Buffer.from(JSON.stringify([page.next.updatedAtMs, page.next.sku, page.next.warehouse])).toString('base64url')
      : null;
    return { items: page.items, nextCursor };
  });

  app.post('/stock/query', async (request, reply) => {
    const body = QueryBody.safeParse(request.body);
    if (!body.success) return fail(reply, 400, 'validation_failed', validationMessage(body.error));
    return { items: state.rowsForSkus(body.data.skus) };
  });

  app.get('/warehouses', async () => ({ items: state.warehouses() }));

  app.post('/movements', async (request, reply) => {
    const key = IdempotencyKey.safeParse(request.headers['idempotency-key']);
    if (!key.success) return fail(reply, 400, 'validation_failed', 'Idempotency-Key header: 1..255 characters required');
    const body = MovementBody.safeParse(request.body);
    if (!body.success) return fail(reply, 400, 'validation_failed', validationMessage(body.error));
    const applied = state.applyMovement(key.data, body.data);
    switch (applied.outcome) {
      case 'applied':
        if (applied.row) deps.sender.send([applied.row]);
        return reply.code(201).send(applied.result);
      case 'replayed':
        return reply.code(200).send(applied.result);
      case 'conflict':
        return fail(reply, 409, 'idempotency_conflict', 'this Idempotency-Key was used with a different body');
      case 'unknown_item':
        return fail(reply, 422, 'unknown_item', `no item ${body.data.sku}`);
      case 'unknown_warehouse':
        return fail(reply, 422, 'unknown_warehouse', `no warehouse ${body.data.warehouse}`);
    }
  });
}
