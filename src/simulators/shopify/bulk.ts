// Bulk operations: the query runs against the same schema with pagination lifted, and the result
// is flattened to JSONL as Shopify writes it: one line per connection node, nested connections'
// nodes on their own lines with __parentId naming the enclosing node. The file is served by the
// simulator (standing in for the signed storage URL Shopify hands out).
import { execute, type GraphQLSchema, parse, validate } from 'graphql';
import { bulkView, type ResolveContext } from './views.js';

type Json = Record<string, unknown>;
const MAX_CONCURRENT = 5; // per shop, 2026-01 and later

function isConnection(value: unknown): value is { nodes?: Json[]; edges?: { node: Json }[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('nodes' in value || 'edges' in value);
}

const nodesOf = (connection: { nodes?: Json[]; edges?: { node: Json }[] }) =>
  connection.nodes ?? connection.edges?.map((edge) => edge.node) ?? [];

/** Copies an object without its connections (collected instead), through nested plain objects. */
function strip(object: Json, connections: { nodes?: Json[]; edges?: { node: Json }[] }[]): Json {
  const copy: Json = {};
  for (const [key, value] of Object.entries(object)) {
    if (isConnection(value)) connections.push(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) copy[key] = strip(value as Json, connections);
    else copy[key] = value;
  }
  return copy;
}

function emit(node: Json, parentId: string | undefined, lines: string[]) {
  const connections: { nodes?: Json[]; edges?: { node: Json }[] }[] = [];
  const copy = strip(node, connections);
  lines.push(JSON.stringify(parentId ? { ...copy, __parentId: parentId } : copy));
  for (const connection of connections) for (const child of nodesOf(connection)) emit(child, node.id as string | undefined, lines);
}

export function flattenToJsonl(data: Json): { jsonl: string; objectCount: number } {
  const lines: string[] = [];
  for (const value of Object.values(data)) {
    if (isConnection(value)) for (const node of nodesOf(value)) emit(node, undefined, lines);
  }
  return { jsonl: lines.length > 0 ? `${lines.join('\n')}\n` : '', objectCount: lines.length };
}

export function createBulkRunner(options: { schema: GraphQLSchema; rootValue: object; delayMs: number; timers: Set<NodeJS.Timeout> }) {
  return function startBulk(query: string, context: ResolveContext) {
    const { shop } = context;
    const running = [...shop.bulkOperations.values()].filter((op) => op.status === 'CREATED' || op.status === 'RUNNING').length;
    if (running >= MAX_CONCURRENT) {
      return {
        bulkOperation: null,
        userErrors: [
          { code: 'OPERATION_IN_PROGRESS', field: null, message: 'A bulk query operation for this app and shop is already in progress.' },
        ],
      };
    }
    let document: ReturnType<typeof parse>;
    try {
      document = parse(query);
    } catch (error) {
      return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: (error as Error).message }] };
    }
    const problems = validate(options.schema, document);
    if (problems.length > 0)
      return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: problems[0]?.message ?? 'invalid' }] };
    const id = context.nextId('BulkOperation');
    const operation = {
      id,
      status: 'CREATED' as 'CREATED' | 'COMPLETED' | 'FAILED',
      query,
      createdAt: new Date().toISOString(),
      completedAt: null,
      objectCount: 0,
      fileToken: null,
      fileSize: 0,
      errorCode: null,
    };
    shop.bulkOperations.set(id, operation);
    const timer = setTimeout(async () => {
      options.timers.delete(timer);
      const record = shop.bulkOperations.get(id);
      if (!record) return;
      const result = await execute({
        schema: options.schema,
        document,
        rootValue: options.rootValue,
        contextValue: { ...context, bulk: true },
      });
      if (result.errors?.length || !result.data) {
        Object.assign(record, { status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR', completedAt: new Date().toISOString() });
        return;
      }
      const { jsonl, objectCount } = flattenToJsonl(result.data as Json);
      const fileToken = objectCount > 0 ? `${id}-${Math.random().toString(36).slice(2)}` : null;
      if (fileToken) shop.bulkFiles.set(fileToken, jsonl);
      Object.assign(record, {
        status: 'COMPLETED',
        objectCount,
        fileToken,
        fileSize: Buffer.byteLength(jsonl),
        completedAt: new Date().toISOString(),
      });
    }, options.delayMs);
    options.timers.add(timer);
    return { bulkOperation: bulkView(operation, context.publicUrl(), shop), userErrors: [] };
  };
}
