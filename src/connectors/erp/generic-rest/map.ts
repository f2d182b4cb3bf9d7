// The generic-rest contract's shapes (docs/erp-contract.yaml) as zod schemas, and their mapping to
// the connector contract. Parsing every answer keeps a misbehaving ERP from feeding NaN into stock.
import { z } from 'zod';
import type { ErpStockRow } from '../../contract.js';
import type { ErrorRefinement } from '../erp-http.js';

const Quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);

export const GenericStockRow = z.object({
  sku: z.string().min(1),
  warehouse: z.string().min(1),
  onHand: Quantity,
  reserved: Quantity,
  incoming: Quantity,
  available: Quantity,
  unitCost: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullish(),
  name: z.string().nullish(),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type GenericStockRow = z.infer<typeof GenericStockRow>;

export const GenericStockPage = z.object({ items: z.array(GenericStockRow), nextCursor: z.string().min(1).nullable() });
export const GenericStockList = z.object({ items: z.array(GenericStockRow) });
export const GenericWarehouses = z.object({ items: z.array(z.object({ code: z.string().min(1), name: z.string() })) });
export const GenericMovementResult = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  resultingOnHand: Quantity,
});

const GenericError = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

export function toErpStockRow(row: GenericStockRow): ErpStockRow {
  return {
    sku: row.sku,
    warehouse: row.warehouse,
    onHand: row.onHand,
    reserved: row.reserved,
    incoming: row.incoming,
    available: row.available,
    ...(row.unitCost != null ? { unitCost: row.unitCost } : {}),
    ...(row.name != null ? { name: row.name } : {}),
    updatedAt: new Date(row.updatedAt),
  };
}

// The contract's error codes → our stable codes. Kinds follow the HTTP status unless the code says
// more (idempotency_in_progress is a 409 that a later retry resolves).
const CODES: Record<string, { code: string; kind?: ErrorRefinement['kind'] }> = {
  unauthorized: { code: 'ERP_AUTH_FAILED', kind: 'permanent' },
  unknown_item: { code: 'ERP_UNKNOWN_ITEM', kind: 'permanent' },
  unknown_warehouse: { code: 'ERP_UNKNOWN_WAREHOUSE', kind: 'permanent' },
  insufficient_stock: { code: 'ERP_INSUFFICIENT_STOCK', kind: 'permanent' },
  idempotency_conflict: { code: 'ERP_IDEMPOTENCY_CONFLICT', kind: 'permanent' },
  idempotency_in_progress: { code: 'ERP_IDEMPOTENCY_IN_PROGRESS', kind: 'retryable' },
  validation_failed: { code: 'ERP_VALIDATION_FAILED', kind: 'permanent' },
  rate_limited: { code: 'ERP_THROTTLED', kind: 'throttled' },
};

export function refineGenericError(status: number, body: unknown): ErrorRefinement | undefined {
  const parsed = GenericError.safeParse(body);
  if (!parsed.success) return undefined;
  const known = CODES[parsed.data.error.code];
  const message = `The ERP answered HTTP ${status} ${parsed.data.error.code}${parsed.data.error.message ? `: ${parsed.data.error.message}` : ''}`;
  if (!known) return { message };
  return { code: known.code, message, ...(known.kind ? { kind: known.kind } : {}) };
}
