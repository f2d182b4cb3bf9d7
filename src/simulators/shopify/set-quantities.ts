// inventorySetQuantities as the 2026-04 docs describe it: every quantity must carry
// changeFromQuantity (null skips the compare), a mismatch is CHANGE_FROM_QUANTITY_STALE, and
// @idempotent(key:) returns the first result for the same key and parameters, or
// IDEMPOTENCY_KEY_PARAMETER_MISMATCH for different ones. The simulator applies a call all or
// nothing: with any userError nothing changes, which is the stricter of the two possibilities.
import { GraphQLError } from 'graphql';
import { changeAvailable } from './actions.js';
import { gid, parseGid, type SimShop } from './state.js';
import type { ResolveContext } from './views.js';

type QuantityInput = { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null };
export type SetQuantitiesInput = { name: string; reason: string; referenceDocumentUri?: string | null; quantities: QuantityInput[] };
type UserError = { code: string; field: string[] | null; message: string };

const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

/** Stable JSON (sorted keys), so the same parameters always fingerprint the same. */
function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function validate(shop: SimShop, input: SetQuantitiesInput): UserError[] {
  const errors: UserError[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: 'The quantity name must be available or on_hand.' });
  }
  if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The reason is invalid.' });
  if (input.referenceDocumentUri?.startsWith('gid://shopify/')) {
    errors.push({
      code: 'INVALID_REFERENCE_DOCUMENT',
      field: ['input', 'referenceDocumentUri'],
      message: 'The reference document URI is invalid.',
    });
  }
  const seen = new Set<string>();
  input.quantities.forEach((quantity, index) => {
    const field = (name: string) => ['input', 'quantities', String(index), name];
    const itemId = parseGid(quantity.inventoryItemId)?.id ?? '';
    const locationId = parseGid(quantity.locationId)?.id ?? '';
    const pair = `${itemId}@${locationId}`;
    const item = shop.items.get(itemId);
    const level = item?.levels.get(locationId);
    let error: UserError | null = null;
    if (seen.has(pair)) {
      error = {
        code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
        field: field('inventoryItemId'),
        message: 'The combination of inventoryItemId and locationId must be unique.',
      };
    } else if (!item)
      error = {
        code: 'INVALID_INVENTORY_ITEM',
        field: field('inventoryItemId'),
        message: 'The specified inventory item could not be found.',
      };
    else if (!shop.locations.has(locationId))
      error = { code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' };
    else if (!level)
      error = {
        code: 'ITEM_NOT_STOCKED_AT_LOCATION',
        field: field('locationId'),
        message: 'The specified inventory item is not stocked at the location.',
      };
    else if (quantity.quantity < 0)
      error = { code: 'INVALID_QUANTITY_NEGATIVE', field: field('quantity'), message: 'The quantity can\u2019t be negative.' };
    else if (quantity.quantity > 1_000_000_000)
      error = {
        code: 'INVALID_QUANTITY_TOO_HIGH',
        field: field('quantity'),
        message: 'The quantity can\u2019t be higher than 1,000,000,000.',
      };
    else if (quantity.changeFromQuantity !== null && quantity.changeFromQuantity !== undefined) {
      const current = input.name === 'on_hand' ? level.onHand : level.available;
      if (current !== quantity.changeFromQuantity) {
        error = {
          code: 'CHANGE_FROM_QUANTITY_STALE',
          field: field('changeFromQuantity'),
          message: 'The current quantity does not match changeFromQuantity.',
        };
      }
    }
    seen.add(pair);
    if (error) errors.push(error);
  });
  return errors;
}

function idempotencyKeyOf(
  context: ResolveContext,
  directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[],
) {
  const directive = directives.find((d) => d.name.value === 'idempotent');
  const argument = directive?.arguments?.find((a) => a.name.value === 'key')?.value as
    | { kind: string; value?: string; name?: { value: string } }
    | undefined;
  if (!argument) return null;
  if (argument.kind === 'Variable' && argument.name) return String(context.variables[argument.name.value] ?? '');
  return argument.value ?? null;
}

export function setQuantities(
  context: ResolveContext,
  input: SetQuantitiesInput,
  directives: Parameters<typeof idempotencyKeyOf>[1],
): { inventoryAdjustmentGroup: unknown; userErrors: UserError[] } {
  const { shop } = context;
  if (context.apiVersion >= '2026-04' && context.apiVersion !== 'unstable') {
    if (input.quantities.some((quantity) => !Object.hasOwn(quantity, 'changeFromQuantity'))) {
      throw new GraphQLError('InventoryQuantityInput must include the following argument: changeFromQuantity', {
        extensions: { code: 'INVALID_FIELD_ARGUMENTS' },
      });
    }
  }
  if (input.quantities.length > 250) {
    throw new GraphQLError(`The input array size of ${input.quantities.length} is greater than the maximum allowed of 250.`, {
      extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
    });
  }
  const key = idempotencyKeyOf(context, directives);
  const print = fingerprint(input);
  if (key) {
    const previous = shop.idempotency.get(key);
    if (previous && previous.fingerprint !== print) {
      return {
        inventoryAdjustmentGroup: null,
        userErrors: [
          {
            code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
            field: null,
            message: 'The same idempotency key was used with different parameters.',
          },
        ],
      };
    }
    if (previous) return previous.result as ReturnType<typeof setQuantities>;
  }
  const userErrors = validate(shop, input);
  let result: ReturnType<typeof setQuantities>;
  if (userErrors.length > 0) {
    result = { inventoryAdjustmentGroup: null, userErrors };
  } else {
    const changes = input.quantities.map((quantity) => {
      const item = shop.items.get(parseGid(quantity.inventoryItemId)?.id ?? '');
      const locationId = parseGid(quantity.locationId)?.id ?? '';
      const level = item?.levels.get(locationId);
      if (!item || !level) throw new Error('validated quantity lost its level');
      const before = input.name === 'on_hand' ? level.onHand : level.available;
      const available = input.name === 'on_hand' ? level.available + (quantity.quantity - level.onHand) : quantity.quantity;
      changeAvailable(context, item, locationId, available);
      return { name: input.name, delta: quantity.quantity - before, quantityAfterChange: quantity.quantity, item: null, location: null };
    });
    const group = {
      id: gid('InventoryAdjustmentGroup', context.nextId('InventoryAdjustmentGroup')),
      createdAt: new Date().toISOString(),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes,
    };
    result = { inventoryAdjustmentGroup: group, userErrors: [] };
  }
  if (key) shop.idempotency.set(key, { fingerprint: print, result });
  return result;
}
