// Full reads of large catalogs with a bulk operation: Shopify runs the query on its side and
// leaves a JSONL file (one object per line, children with __parentId). One mutation and a few
// status polls replace thousands of pages, and the file is read as a stream, line by line, so
// memory stays flat however large the store is (shopify.dev/api/usage/bulk-operations/queries).
import type { Logger } from 'pino';
import type { ChannelLevel } from '../contract.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { ShopifyGraphql } from './client.js';
import { availableOf, type LevelNode } from './map.js';
import { BULK_LEVELS_QUERY, BULK_RUN_MUTATION, BULK_STATUS_COST, BULK_STATUS_QUERY, MUTATION_COST } from './queries.js';
import type { Transport } from './transport.js';

export type BulkDeps = {
  graphql: ShopifyGraphql;
  transport: Transport;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
  pollIntervalMs: number;
  maxWaitMs: number;
  downloadTimeoutMs: number;
  chunkSize?: number;
};

type BulkOperation = { id: string; status: string; errorCode: string | null; objectCount: string | null; url: string | null };
type BulkLevelLine = LevelNode & {
  item?: { id: string; sku: string | null; tracked: boolean; variant: { id: string } | null };
  __parentId?: string;
};

async function startBulk(deps: BulkDeps): Promise<string> {
  const { data } = await deps.graphql.request<{
    bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { code: string | null; message: string }[] };
  }>({ operation: 'BulkRun', query: BULK_RUN_MUTATION, variables: { query: BULK_LEVELS_QUERY }, estimatedCost: MUTATION_COST });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (bulkOperation) return bulkOperation.id;
  const first = userErrors[0];
  if (first?.code === 'OPERATION_IN_PROGRESS' || first?.code === 'LIMIT_REACHED') {
    throw new RetryableError(`Shopify is busy with other bulk operations: ${first.message}`, {
      code: 'SHOPIFY_BULK_BUSY',
      retryAfterMs: 30_000,
    });
  }
  throw new PermanentError(`Shopify refused the bulk query: ${first?.message ?? 'no reason given'}`, { code: 'SHOPIFY_BULK_REJECTED' });
}

async function awaitBulk(deps: BulkDeps, id: string): Promise<BulkOperation> {
  const deadline = Date.now() + deps.maxWaitMs;
  for (;;) {
    const { data } = await deps.graphql.request<{ bulkOperation: BulkOperation | null }>({
      operation: 'BulkStatus',
      query: BULK_STATUS_QUERY,
      variables: { id },
      estimatedCost: BULK_STATUS_COST,
    });
    const operation = data.bulkOperation;
    if (!operation) throw new RetryableError('Shopify lost track of the bulk operation', { code: 'SHOPIFY_BULK_FAILED', context: { id } });
    if (operation.status === 'COMPLETED') return operation;
    if (['FAILED', 'CANCELED', 'CANCELING', 'EXPIRED'].includes(operation.status)) {
      const code = operation.errorCode === 'ACCESS_DENIED' ? 'SHOPIFY_FORBIDDEN' : 'SHOPIFY_BULK_FAILED';
      const details = { code, context: { id, status: operation.status, errorCode: operation.errorCode } };
      throw code === 'SHOPIFY_FORBIDDEN'
        ? new PermanentError('Bulk operation denied: the app lacks read_inventory or read_products', details)
        : new RetryableError(`Bulk operation ended ${operation.status}`, details);
    }
    if (Date.now() > deadline) {
      throw new RetryableError(`Bulk operation still ${operation.status} after ${deps.maxWaitMs} ms`, {
        code: 'SHOPIFY_BULK_TIMEOUT',
        context: { id },
      });
    }
    await deps.sleep(deps.pollIntervalMs);
  }
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield line;
        newline = buffer.indexOf('\n');
      }
    }
  } finally {
    // A consumer that stops early must not leave the download open.
    await reader.cancel().catch(() => {});
  }
  const last = (buffer + decoder.decode()).trim();
  if (last) yield last;
}

function toLevel(line: BulkLevelLine): ChannelLevel | null {
  // Item lines ({ id }) only group their levels; level lines carry everything we need.
  if (!line.location || !line.item || !line.quantities) return null;
  return {
    sku: line.item.sku ?? '',
    externalVariantId: line.item.variant?.id ?? '',
    externalInventoryItemId: line.item.id,
    externalLocationId: line.location.id,
    available: line.item.tracked ? availableOf(line) : null,
    updatedAt: line.updatedAt ? new Date(line.updatedAt) : undefined,
  };
}

export async function* readLevelsInBulk(deps: BulkDeps): AsyncGenerator<ChannelLevel[]> {
  const id = await startBulk(deps);
  const operation = await awaitBulk(deps, id);
  deps.log.info({ bulkOperationId: id, objectCount: operation.objectCount }, 'Shopify bulk read finished');
  if (!operation.url) return; // no objects: Shopify writes no file
  const response = await deps.transport.fetch(operation.url, { method: 'GET', signal: AbortSignal.timeout(deps.downloadTimeoutMs) });
  if (!response.ok || !response.body) {
    throw new RetryableError(`Downloading the bulk result failed (HTTP ${response.status})`, {
      code: 'SHOPIFY_BULK_DOWNLOAD_FAILED',
      status: response.status,
    });
  }
  const chunkSize = deps.chunkSize ?? 500;
  let chunk: ChannelLevel[] = [];
  try {
    for await (const text of lines(response.body)) {
      const level = toLevel(JSON.parse(text) as BulkLevelLine);
      if (!level) continue;
      chunk.push(level);
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new RetryableError('The bulk result file is not valid JSONL', { code: 'SHOPIFY_INVALID_RESPONSE' });
    if ((error as { kind?: string }).kind) throw error;
    throw new RetryableError('Reading the bulk result was interrupted', {
      code: 'SHOPIFY_BULK_DOWNLOAD_FAILED',
      context: { reason: (error as Error).message },
    });
  }
  if (chunk.length > 0) yield chunk;
}
