// Absolute writes with inventorySetQuantities. Rules (platform-apis.md §2): ≤250 quantities per
// call, no item/location pair twice in one call, from 2026-04 a changeFromQuantity on every
// quantity (compare-and-set; explicit null skips the check), an @idempotent key, a reason and a
// reference to our push. A stale compare is never overwritten: the item comes back 'stale' with
// the quantity Shopify actually shows, for the engine to recompute from.
import { createHash } from 'node:crypto';
import type { LevelWrite, LevelWriteResult } from '../contract.js';
import { RetryableError } from '../errors.js';
import type { ShopifyGraphql } from './client.js';
import { ITEMS_OF_VARIANTS_QUERY, itemsOfVariantsCost, MUTATION_COST, setQuantitiesMutation } from './queries.js';

export const MAX_SET_QUANTITIES = 250;
/** A rejected call is re-sent without its failed items at most this often. */
const MAX_RESEND_ROUNDS = 3;

type Resolved = { write: LevelWrite; inventoryItemId: string };
type UserError = { code: string | null; field: string[] | null; message: string };
type SetResponse = {
  inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: UserError[] } | null;
};

export type WriteDeps = {
  graphql: ShopifyGraphql;
  /** Current available for items whose compare-and-set went stale. */
  readActual(writes: LevelWrite[]): Promise<Map<string, number | null>>;
};

export const pairKey = (variantId: string, locationId: string) => `${variantId}@${locationId}`;

/** Keeps keys GraphQL-literal safe and within Shopify's length; odd keys are hashed, stably. */
function safeKey(key: string): string {
  if (/^[\w:.-]{1,200}$/.test(key)) return key;
  return createHash('sha256').update(key).digest('hex');
}

/** Splits into calls: one reference each, ≤250 quantities, and no item/location pair twice. */
export function planCalls(writes: Resolved[]): Resolved[][] {
  const calls: { reference: string; items: Resolved[]; pairs: Set<string> }[] = [];
  for (const entry of writes) {
    const { reference, externalLocationId } = entry.write;
    const pair = `${entry.inventoryItemId}@${externalLocationId}`;
    let call = calls.find((c) => c.reference === reference && c.items.length < MAX_SET_QUANTITIES && !c.pairs.has(pair));
    if (!call) {
      call = { reference, items: [], pairs: new Set() };
      calls.push(call);
    }
    call.items.push(entry);
    call.pairs.add(pair);
  }
  return calls.map((call) => call.items);
}

function classify(write: LevelWrite, error: UserError): LevelWriteResult {
  const base = { sku: write.sku, externalLocationId: write.externalLocationId };
  const code = error.code ?? 'UNKNOWN';
  if (code === 'INVALID_INVENTORY_ITEM' || code === 'ITEM_NOT_STOCKED_AT_LOCATION') return { ...base, outcome: 'not_found' };
  const retryable = code === 'IDEMPOTENCY_CONCURRENT_REQUEST';
  return { ...base, outcome: 'failed', error: { code: `SHOPIFY_${code}`, message: error.message, retryable } };
}

async function resolveItems(graphql: ShopifyGraphql, writes: LevelWrite[]): Promise<Map<string, string>> {
  const missing = [...new Set(writes.filter((w) => !w.externalInventoryItemId).map((w) => w.externalVariantId))];
  const items = new Map<string, string>();
  for (let start = 0; start < missing.length; start += MAX_SET_QUANTITIES) {
    const ids = missing.slice(start, start + MAX_SET_QUANTITIES);
    const { data } = await graphql.request<{ nodes: ({ id: string; inventoryItem: { id: string } | null } | null)[] }>({
      operation: 'ItemsOfVariants',
      query: ITEMS_OF_VARIANTS_QUERY,
      variables: { ids },
      estimatedCost: itemsOfVariantsCost(ids.length),
      costKey: `ItemsOfVariants:${ids.length}`,
    });
    for (const node of data.nodes) if (node?.inventoryItem) items.set(node.id, node.inventoryItem.id);
  }
  return items;
}

export async function writeLevels(deps: WriteDeps, batch: LevelWrite[], idempotencyKey: string): Promise<LevelWriteResult[]> {
  const results = new Map<LevelWrite, LevelWriteResult>();
  const itemsByVariant = await resolveItems(deps.graphql, batch);
  const resolved: Resolved[] = [];
  for (const write of batch) {
    const inventoryItemId = write.externalInventoryItemId ?? itemsByVariant.get(write.externalVariantId);
    if (inventoryItemId) resolved.push({ write, inventoryItemId });
    else results.set(write, { sku: write.sku, externalLocationId: write.externalLocationId, outcome: 'not_found' });
  }
  const calls = planCalls(resolved);
  const baseKey = safeKey(idempotencyKey);
  const stale: LevelWrite[] = [];
  for (const [index, call] of calls.entries()) {
    // Derived keys are stable, so a retried job sends the same key with the same parameters.
    const key = calls.length === 1 ? baseKey : `${baseKey}:${index}`;
    await sendCall(deps.graphql, call, key, 0, results, stale);
  }
  if (stale.length > 0) {
    const actual = await deps.readActual(stale);
    for (const write of stale) {
      const quantity = actual.get(pairKey(write.externalVariantId, write.externalLocationId)) ?? null;
      results.set(write, { sku: write.sku, externalLocationId: write.externalLocationId, outcome: 'stale', actual: quantity });
    }
  }
  return batch.map((write) => results.get(write) as LevelWriteResult);
}

async function sendCall(
  graphql: ShopifyGraphql,
  call: Resolved[],
  key: string,
  round: number,
  results: Map<LevelWrite, LevelWriteResult>,
  stale: LevelWrite[],
): Promise<void> {
  const input = {
    name: 'available',
    reason: 'correction',
    referenceDocumentUri: `gid://stockbridge/Push/${encodeURIComponent((call[0] as Resolved).write.reference)}`,
    quantities: call.map(({ write, inventoryItemId }) => ({
      inventoryItemId,
      locationId: write.externalLocationId,
      quantity: write.quantity,
      // Always present: from 2026-04 an omitted changeFromQuantity is an error, null skips the check.
      changeFromQuantity: write.expectedCurrent,
    })),
  };
  const { data } = await graphql.request<SetResponse>({
    operation: 'SetQuantities',
    query: setQuantitiesMutation(key),
    variables: { input },
    estimatedCost: MUTATION_COST,
    costKey: 'SetQuantities',
  });
  const payload = data.inventorySetQuantities;
  if (!payload) throw new RetryableError('Shopify answered inventorySetQuantities without a payload', { code: 'SHOPIFY_INVALID_RESPONSE' });
  const errors = payload.userErrors;
  const failedIndexes = new Set<number>();
  for (const error of errors) {
    const index = Number(error.field?.[2]);
    const targets = Number.isInteger(index) && error.field?.[1] === 'quantities' ? [index] : call.map((_, i) => i);
    for (const target of targets) {
      const write = call[target]?.write;
      if (!write || failedIndexes.has(target)) continue;
      failedIndexes.add(target);
      if (error.code === 'CHANGE_FROM_QUANTITY_STALE') stale.push(write);
      else results.set(write, classify(write, error));
    }
  }
  const rest = call.filter((_, i) => !failedIndexes.has(i));
  if (rest.length === 0) return;
  if (payload.inventoryAdjustmentGroup || errors.length === 0) {
    for (const { write } of rest) {
      results.set(write, { sku: write.sku, externalLocationId: write.externalLocationId, outcome: 'written', quantity: write.quantity });
    }
    return;
  }
  // The call was rejected as a whole because of other items: send the clean ones again, under a new key.
  if (round + 1 < MAX_RESEND_ROUNDS) return sendCall(graphql, rest, `${key}:r${round + 1}`, round + 1, results, stale);
  for (const { write } of rest) {
    results.set(write, {
      sku: write.sku,
      externalLocationId: write.externalLocationId,
      outcome: 'failed',
      error: { code: 'SHOPIFY_BATCH_REJECTED', message: 'rejected with other items in its batch', retryable: true },
    });
  }
}
