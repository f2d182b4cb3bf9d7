// POST /admin/api/:version/graphql.json: auth, the knobs (latency, random 503s and 429s), the
// cost check against the shop's bucket (THROTTLED is HTTP 200 with errors[].extensions.code, as
// Shopify answers), execution with graphql-js, and the refund to the actual cost. Every call is
// logged with its costs so tests and benchmarks can check what the client really sent.
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import {
  type DocumentNode,
  execute,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  parse,
  validate,
} from 'graphql';
import { costCountingResolver, MAX_SINGLE_QUERY_COST, refill, refund, requestedCost, take } from './cost.js';
import { type SimShop, tokenIsValid } from './state.js';
import type { ResolveContext } from './views.js';

export type Knobs = { latencyMs: number; errorRate: number; throttleStormRate: number; mutationCost: number };

export type CallRecord = {
  at: string;
  shop: string;
  apiVersion: string;
  operation: string | null;
  httpStatus: number;
  outcome: 'ok' | 'throttled' | 'max_cost' | 'invalid' | 'unauthorized' | 'injected_error' | 'injected_429';
  requestedCost: number | null;
  actualCost: number | null;
  availableBefore: number | null;
  availableAfter: number | null;
};

export type GraphqlDeps = {
  schema: GraphQLSchema;
  rootValue: object;
  knobs: Knobs;
  random: () => number;
  record: (call: CallRecord) => void;
  contextFor: (shop: SimShop, apiVersion: string, variables: Record<string, unknown>) => ResolveContext;
};

type Body = { query?: unknown; variables?: unknown; operationName?: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function handleGraphql(
  deps: GraphqlDeps,
  shop: SimShop,
  apiVersion: string,
  token: string | undefined,
  body: Body,
  reply: FastifyReply,
) {
  const base = { at: new Date().toISOString(), shop: shop.domain, apiVersion, operation: null, requestedCost: null, actualCost: null };
  reply.header('x-request-id', randomUUID()).header('x-shopify-api-version', apiVersion);
  if (deps.knobs.latencyMs > 0) await sleep(deps.knobs.latencyMs);
  if (deps.random() < deps.knobs.errorRate) {
    deps.record({ ...base, httpStatus: 503, outcome: 'injected_error', availableBefore: null, availableAfter: null });
    return reply.code(503).send({ errors: 'Service Unavailable' });
  }
  if (deps.random() < deps.knobs.throttleStormRate) {
    deps.record({ ...base, httpStatus: 429, outcome: 'injected_429', availableBefore: null, availableAfter: null });
    return reply
      .code(429)
      .header('retry-after', '2.0')
      .send({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
  }
  if (!tokenIsValid(shop, token)) {
    deps.record({ ...base, httpStatus: 401, outcome: 'unauthorized', availableBefore: null, availableAfter: null });
    return reply.code(401).send({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  }
  const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>;
  let document: DocumentNode;
  try {
    document = parse(String(body.query ?? ''));
  } catch (error) {
    deps.record({ ...base, httpStatus: 200, outcome: 'invalid', availableBefore: null, availableAfter: null });
    return reply.send({ errors: [{ message: (error as Error).message }] });
  }
  const operation = getOperationAST(document, typeof body.operationName === 'string' ? body.operationName : undefined);
  const named = { ...base, operation: operation?.name?.value ?? null };
  const problems = validate(deps.schema, document);
  if (problems.length > 0 || !operation) {
    deps.record({ ...named, httpStatus: 200, outcome: 'invalid', availableBefore: null, availableAfter: null });
    return reply.send({ errors: problems.length > 0 ? problems.map((p) => p.toJSON()) : [{ message: 'No operation to run' }] });
  }
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const requested = requestedCost(deps.schema, operation, fragments, variables, deps.knobs.mutationCost);
  const before = refill(shop);
  const costOnly = (status: ReturnType<typeof refill>) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status },
  });
  if (requested > MAX_SINGLE_QUERY_COST) {
    deps.record({
      ...named,
      requestedCost: requested,
      httpStatus: 200,
      outcome: 'max_cost',
      availableBefore: before.currentlyAvailable,
      availableAfter: before.currentlyAvailable,
    });
    return reply.send({
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
        },
      ],
      extensions: costOnly(before),
    });
  }
  if (!take(shop, requested)) {
    deps.record({
      ...named,
      requestedCost: requested,
      httpStatus: 200,
      outcome: 'throttled',
      availableBefore: before.currentlyAvailable,
      availableAfter: before.currentlyAvailable,
    });
    return reply.send({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: costOnly(before),
    });
  }
  const counter = { actual: 0 };
  const result = await execute({
    schema: deps.schema,
    document,
    rootValue: deps.rootValue,
    contextValue: deps.contextFor(shop, apiVersion, variables),
    variableValues: variables,
    operationName: operation.name?.value,
    fieldResolver: costCountingResolver(counter, deps.knobs.mutationCost, operation.operation === 'mutation'),
  });
  const actual = Math.min(requested, counter.actual);
  const after = refund(shop, requested - actual);
  deps.record({
    ...named,
    requestedCost: requested,
    actualCost: actual,
    httpStatus: 200,
    outcome: 'ok',
    availableBefore: before.currentlyAvailable,
    availableAfter: after.currentlyAvailable,
  });
  return reply.send({
    ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
    data: result.data ?? null,
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: after } },
  });
}
