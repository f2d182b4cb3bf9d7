// What every /wp-json request passes before a route sees it, in the order a real stack applies
// it: the call log, latency, one-off faults and random failures (a proxy or host answering), then
// WooCommerce's own authentication and key permissions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkPermissions, type createAuthenticator, lastValueQuery } from './auth.js';
import type { CallRecord, Fault, Knobs } from './control.js';
import { wooError } from './resources.js';
import { API } from './rest-products.js';

export type GateState = {
  knobs: Knobs;
  faults: (Fault & { remaining: number })[];
  calls: CallRecord[];
  random: () => number;
  now: () => Date;
  authenticator: ReturnType<typeof createAuthenticator>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const endpointOf = (request: FastifyRequest) => (request.raw.url ?? '').split('?')[0]?.slice(API.length + 1) ?? '';

function takeFault(state: GateState, request: FastifyRequest): Fault | undefined {
  const endpoint = endpointOf(request);
  const fault = state.faults.find(
    (candidate) =>
      candidate.remaining > 0 &&
      (!candidate.method || candidate.method.toUpperCase() === request.method) &&
      (typeof candidate.endpoint === 'string' ? candidate.endpoint === endpoint : candidate.endpoint.test(endpoint)),
  );
  if (fault) fault.remaining -= 1;
  return fault;
}

/** Answers the request with a random failure when the dice say so; true when it did. */
function rollFailure(state: GateState, reply: FastifyReply): boolean {
  const { knobs } = state;
  const roll = state.random();
  const failure =
    roll < knobs.rate429
      ? { status: 429, code: 'too_many_requests' }
      : roll < knobs.rate429 + knobs.rate503
        ? { status: 503, code: 'service_unavailable' }
        : roll < knobs.rate429 + knobs.rate503 + knobs.errorRate
          ? { status: 500, code: 'internal_server_error' }
          : null;
  if (!failure) return false;
  if (failure.status !== 500) reply.header('Retry-After', String(knobs.retryAfterSeconds));
  void reply.code(failure.status).send(wooError(failure.code, 'Simulated failure.', failure.status));
  return true;
}

export function registerRequestGate(app: FastifyInstance, state: GateState) {
  const delayedReplies = new WeakMap<FastifyRequest, number>();
  const callOf = new WeakMap<FastifyRequest, CallRecord>();

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/wp-json/')) return;
    const params = lastValueQuery(request.raw.url ?? '');
    // Logged on arrival (status filled in when answered), so the log keeps the order calls were made in.
    const query = Object.fromEntries(Object.entries(params).filter(([key]) => !key.startsWith('oauth_')));
    const call: CallRecord = { method: request.method, endpoint: endpointOf(request), query, status: 0, at: state.now().toISOString() };
    state.calls.push(call);
    callOf.set(request, call);
    if (state.knobs.latencyMs > 0) await sleep(state.knobs.latencyMs);

    const fault = takeFault(state, request);
    if (fault?.status) {
      if (fault.retryAfterSeconds !== undefined) reply.header('Retry-After', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send(wooError(fault.wooCode ?? 'simulated_failure', 'Simulated failure.', fault.status));
    }
    if (fault?.delayMs && !fault.apply) {
      await sleep(fault.delayMs);
      return reply.code(504).send(wooError('simulated_gateway_timeout', 'Gateway timeout.', 504));
    }
    if (fault?.delayMs) delayedReplies.set(request, fault.delayMs);
    if (rollFailure(state, reply)) return reply;

    // WordPress signs against its own home URL; the simulator's home is whatever host the client addressed.
    const baseUrl = `http://${request.headers.host ?? 'localhost'}${(request.raw.url ?? '').split('?')[0]}`;
    const outcome = state.authenticator.authenticate({
      method: request.method,
      baseUrl,
      authorization: request.headers.authorization,
      params,
    });
    const allowed = outcome.ok ? checkPermissions(request.method, state.knobs.permissions) : outcome;
    if (!allowed.ok) return reply.code(allowed.status).send(wooError(allowed.code, allowed.message, allowed.status));
  });

  // An applied-then-slow fault: the work is done, the answer is held back.
  app.addHook('onSend', async (request, _reply, payload) => {
    const delayMs = delayedReplies.get(request);
    if (delayMs) await sleep(delayMs);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const call = callOf.get(request);
    if (call) call.status = reply.statusCode;
  });
}
