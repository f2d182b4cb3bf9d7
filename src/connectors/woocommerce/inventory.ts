// Stock writes through WooCommerce's batch endpoints (platform-apis.md §4):
// - at most 100 items per call (more → HTTP 413 woocommerce_rest_request_entity_too_large);
// - simple products via POST /products/batch, variations only via their parent's
//   POST /products/{parent}/variations/batch;
// - HTTP 200 even when items fail: each failed item comes back as `{ id, error }`.
// WooCommerce has no compare-and-set and no idempotency keys, so both are emulated here, best-effort:
// an item with `expectedCurrent` is re-read just before the write and reported `stale` on mismatch,
// and a batch that timed out (unknown outcome) is re-read before only the missing items are re-sent.
import type { Logger } from 'pino';
import type { LevelWrite, LevelWriteResult } from '../contract.js';
import { type ConnectorError, PermanentError } from '../errors.js';
import { isUnknownOutcome, toConnectorError } from './classify-error.js';
import { parseBody, type WooClient } from './client.js';
import { readCurrentById } from './levels.js';
import { itemErrorStatus, type WooBatchEntry, WooBatchResponse } from './map.js';

export const MAX_BATCH_SIZE = 100;
/** Product meta naming the movement or push behind the last write, visible on the product in WooCommerce. */
export const REFERENCE_META_KEY = 'stockbridge_reference';

const NOT_FOUND_CODES = new Set(['woocommerce_rest_product_invalid_id', 'woocommerce_rest_product_variation_invalid_id']);

type Deps = { client: WooClient; log: Logger };
type Indexed = { index: number; write: LevelWrite };
type Results = Map<number, LevelWriteResult>;

const base = (write: LevelWrite) => ({ sku: write.sku, externalLocationId: write.externalLocationId });
const failed = (write: LevelWrite, code: string, message: string, retryable: boolean): LevelWriteResult => ({
  ...base(write),
  outcome: 'failed',
  error: { code, message, retryable },
});

function endpointFor(write: LevelWrite): string {
  return write.externalProductId === write.externalVariantId ? 'products/batch' : `products/${write.externalProductId}/variations/batch`;
}

function invalidReason(write: LevelWrite): string | null {
  if (!/^\d+$/.test(write.externalVariantId) || !/^\d+$/.test(write.externalProductId)) return 'WooCommerce ids are positive integers';
  if (!Number.isSafeInteger(write.quantity)) return 'WooCommerce stock quantities are whole numbers';
  return null;
}

function resultFor(write: LevelWrite, entry: WooBatchEntry | undefined): LevelWriteResult {
  if (!entry) return failed(write, 'WOO_BATCH_ITEM_MISSING', 'the batch response did not mention this item', true);
  if (entry.error) {
    if (NOT_FOUND_CODES.has(entry.error.code)) return { ...base(write), outcome: 'not_found' };
    const status = itemErrorStatus(entry.error.data);
    const retryable = status !== undefined && (status === 429 || status >= 500);
    return failed(write, 'WOO_ITEM_REJECTED', `${entry.error.code}: ${entry.error.message ?? ''}`.trim(), retryable);
  }
  // A saved item whose stock WooCommerce does not manage ignores stock_quantity (store-wide
  // "Manage stock" off, or a plugin vetoing it): report it instead of claiming success.
  const applied = entry.stock_quantity === undefined || (entry.manage_stock !== false && entry.stock_quantity === write.quantity);
  if (!applied) {
    return failed(
      write,
      'WOO_WRITE_NOT_APPLIED',
      'WooCommerce saved the item without the quantity: is stock management on (WooCommerce › Settings › Products › Inventory)?',
      false,
    );
  }
  return { ...base(write), outcome: 'written', quantity: write.quantity };
}

async function postBatch(deps: Deps, endpoint: string, entries: Indexed[]): Promise<Results> {
  const body = {
    update: entries.map(({ write }) => ({
      id: Number(write.externalVariantId),
      manage_stock: true,
      stock_quantity: write.quantity,
      meta_data: [{ key: REFERENCE_META_KEY, value: write.reference }],
    })),
  };
  const response = await deps.client.request({ method: 'post', endpoint, body });
  const { update } = parseBody(WooBatchResponse, response, { method: 'post', endpoint });
  const results: Results = new Map();
  entries.forEach(({ index, write }, position) => {
    const id = Number(write.externalVariantId);
    // Entries come back in request order; match by id when a plugin reorders them.
    const atPosition = update[position];
    const entry = atPosition?.id === id ? atPosition : update.find((candidate) => candidate.id === id);
    results.set(index, resultFor(write, entry));
  });
  return results;
}

/** A batch that timed out, lost its connection or answered garbage may or may not have been applied: look before writing again. */
async function recoverUnknownOutcome(
  deps: Deps,
  endpoint: string,
  entries: Indexed[],
  context: { idempotencyKey: string; reason: string },
): Promise<Results> {
  deps.log.warn({ endpoint, items: entries.length, ...context }, 'woocommerce batch outcome unknown: re-reading before retrying');
  const current = await readCurrentById(
    deps.client,
    entries.map(({ write }) => write),
  );
  const results: Results = new Map();
  const retry: Indexed[] = [];
  for (const entry of entries) {
    const { write } = entry;
    if (!current.has(write.externalVariantId)) {
      results.set(entry.index, { ...base(write), outcome: 'not_found' });
      continue;
    }
    const actual = current.get(write.externalVariantId) ?? null;
    if (actual === write.quantity) results.set(entry.index, { ...base(write), outcome: 'written', quantity: write.quantity });
    else if (write.expectedCurrent !== null && actual !== write.expectedCurrent)
      results.set(entry.index, { ...base(write), outcome: 'stale', actual });
    else retry.push(entry);
  }
  deps.log.info(
    { endpoint, applied: entries.length - retry.length, retrying: retry.length, idempotencyKey: context.idempotencyKey },
    'woocommerce batch re-read',
  );
  if (retry.length > 0) for (const [index, result] of await postBatch(deps, endpoint, retry)) results.set(index, result);
  return results;
}

/** Compare-and-set emulation: drops (and reports) items whose current quantity is not the expected one. */
async function checkExpected(deps: Deps, entries: Indexed[], results: Results): Promise<Indexed[]> {
  const guarded = entries.filter(({ write }) => write.expectedCurrent !== null);
  if (guarded.length === 0) return entries;
  const current = await readCurrentById(
    deps.client,
    guarded.map(({ write }) => write),
  );
  return entries.filter(({ index, write }) => {
    if (write.expectedCurrent === null) return true;
    if (!current.has(write.externalVariantId)) {
      results.set(index, { ...base(write), outcome: 'not_found' });
      return false;
    }
    const actual = current.get(write.externalVariantId) ?? null;
    if (actual === write.expectedCurrent) return true;
    results.set(index, { ...base(write), outcome: 'stale', actual });
    return false;
  });
}

/** Errors that say nothing about one group's items but about the store: stop sending more groups. */
function isStoreWide(error: ConnectorError): boolean {
  return !(error.kind === 'permanent' && (error.status === 400 || error.status === 404));
}

function groupByEndpoint(entries: Indexed[]): Map<string, Indexed[]> {
  const groups = new Map<string, Indexed[]>();
  for (const entry of entries) {
    const endpoint = endpointFor(entry.write);
    groups.set(endpoint, [...(groups.get(endpoint) ?? []), entry]);
  }
  return groups;
}

async function writeGroup(deps: Deps, endpoint: string, entries: Indexed[], idempotencyKey: string): Promise<Results> {
  try {
    return await postBatch(deps, endpoint, entries);
  } catch (error) {
    if (!isUnknownOutcome(error)) throw error;
    return recoverUnknownOutcome(deps, endpoint, entries, { idempotencyKey, reason: (error as ConnectorError).code });
  }
}

/** Per-item results for a group whose call failed as a whole. */
function failedGroupResults(entries: Indexed[], error: ConnectorError): Results {
  const wooCode = error.context['wooCode'];
  const notFound = typeof wooCode === 'string' && NOT_FOUND_CODES.has(wooCode);
  return new Map(
    entries.map(({ index, write }): [number, LevelWriteResult] => [
      index,
      notFound ? { ...base(write), outcome: 'not_found' } : failed(write, error.code, error.message, error.kind !== 'permanent'),
    ]),
  );
}

/** Sends each group in turn; after a store-wide failure the remaining groups fail with it unsent. */
async function writeGroups(deps: Deps, groups: Map<string, Indexed[]>, idempotencyKey: string) {
  const results: Results = new Map();
  const thrown: ConnectorError[] = [];
  let answered = false;
  let stopWith: ConnectorError | null = null;
  for (const [endpoint, entries] of groups) {
    let groupResults: Results;
    if (stopWith) groupResults = failedGroupResults(entries, stopWith);
    else {
      try {
        groupResults = await writeGroup(deps, endpoint, entries, idempotencyKey);
        answered = true;
      } catch (error) {
        const failure = toConnectorError(error, { method: 'post', endpoint });
        thrown.push(failure);
        if (isStoreWide(failure)) stopWith = failure;
        groupResults = failedGroupResults(entries, failure);
        answered ||= [...groupResults.values()].some((result) => result.outcome === 'not_found');
      }
    }
    for (const [index, result] of groupResults) results.set(index, result);
  }
  return { results, thrown, answered };
}

export async function writeLevels(deps: Deps, batch: LevelWrite[], options: { idempotencyKey: string }): Promise<LevelWriteResult[]> {
  if (batch.length > MAX_BATCH_SIZE) {
    throw new PermanentError(`WooCommerce accepts at most ${MAX_BATCH_SIZE} items per batch, got ${batch.length}`, {
      code: 'WOO_BATCH_TOO_LARGE',
      context: { size: batch.length },
    });
  }
  const results: Results = new Map();
  const valid: Indexed[] = [];
  batch.forEach((write, index) => {
    const reason = invalidReason(write);
    if (reason) results.set(index, failed(write, 'WOO_INVALID_ITEM', reason, false));
    else valid.push({ index, write });
  });
  // Results so far (invalid items, stale or missing ones) came from the items or the store itself.
  const toWrite = await checkExpected(deps, valid, results);
  const decidedBefore = results.size > 0;
  const sent = await writeGroups(deps, groupByEndpoint(toWrite), options.idempotencyKey);
  for (const [index, result] of sent.results) results.set(index, result);
  // When every call failed and nothing else is known, the whole write failed: let the worker's
  // retry policy (Retry-After included) handle it rather than reporting item failures.
  const [firstError] = sent.thrown;
  if (firstError && !decidedBefore && !sent.answered) throw firstError;
  return batch.map((write, index) => results.get(index) ?? failed(write, 'WOO_BATCH_ITEM_MISSING', 'no result recorded', true));
}
