// Frappe REST shapes (docs.frappe.io/framework/user/en/api/rest) for the doctypes we read, and the
// mapping of Frappe's error bodies ({ exc_type, exception, _server_messages }) to stable codes.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { ErpStockRow } from '../../contract.js';
import type { ErrorRefinement } from '../erp-http.js';
import { frappeTimeToDate } from './frappe-time.js';

// Frappe sends Float/Currency fields as JSON numbers and may send null for unset ones.
const FrappeNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? 0);

export const FrappeBin = z.object({
  name: z.string(),
  item_code: z.string(),
  warehouse: z.string(),
  actual_qty: FrappeNumber,
  reserved_qty: FrappeNumber,
  ordered_qty: FrappeNumber,
  valuation_rate: FrappeNumber,
  modified: z.string(),
});
export type FrappeBin = z.infer<typeof FrappeBin>;
export const BIN_FIELDS = ['name', 'item_code', 'warehouse', 'actual_qty', 'reserved_qty', 'ordered_qty', 'valuation_rate', 'modified'];

export const FrappeItem = z.object({ item_code: z.string(), item_name: z.string().nullish(), valuation_rate: FrappeNumber });
export type FrappeItem = z.infer<typeof FrappeItem>;

export const listOf = <T extends z.ZodType>(row: T) => z.object({ data: z.array(row) });
export const FrappeMessage = <T extends z.ZodType>(message: T) => z.object({ message });
export const FrappeDocument = z.object({ data: z.object({ name: z.string(), docstatus: z.number().int() }) });

/** Bin → stock row. available = actual − reserved: `actual_qty` is what the stock ledger holds in the
 * warehouse and `reserved_qty` what submitted sales orders still need from it; ERPNext's own
 * `projected_qty` also counts purchase and production plans, which are not sellable today. */
export function binToRow(bin: FrappeBin, item: FrappeItem | undefined, timeZone: string): ErpStockRow {
  // Bin.valuation_rate is the moving rate of this item in this warehouse; the Item's rate is the
  // fallback for a bin that has not been valued yet. Zero means "unknown", not "free".
  const rate = bin.valuation_rate > 0 ? bin.valuation_rate : (item?.valuation_rate ?? 0);
  return {
    sku: bin.item_code,
    warehouse: bin.warehouse,
    onHand: bin.actual_qty,
    reserved: bin.reserved_qty,
    incoming: bin.ordered_qty,
    available: bin.actual_qty - bin.reserved_qty,
    ...(rate > 0 ? { unitCost: new Decimal(rate).toFixed() } : {}),
    ...(item?.item_name ? { name: item.item_name } : {}),
    updatedAt: frappeTimeToDate(bin.modified, timeZone),
  };
}

const FrappeErrorBody = z.object({
  exc_type: z.string().optional(),
  exception: z.string().optional(),
  _server_messages: z.string().optional(),
  message: z.unknown().optional(),
});

const EXC_TYPES: Record<string, { code: string; kind?: ErrorRefinement['kind'] }> = {
  AuthenticationError: { code: 'ERP_AUTH_FAILED', kind: 'permanent' },
  PermissionError: { code: 'ERP_FORBIDDEN', kind: 'permanent' },
  DoesNotExistError: { code: 'ERP_NOT_FOUND', kind: 'permanent' },
  NegativeStockError: { code: 'ERPNEXT_NEGATIVE_STOCK', kind: 'permanent' },
  LinkValidationError: { code: 'ERPNEXT_LINK_VALIDATION', kind: 'permanent' },
  MandatoryError: { code: 'ERPNEXT_MANDATORY_FIELD', kind: 'permanent' },
  DuplicateEntryError: { code: 'ERPNEXT_DUPLICATE_ENTRY', kind: 'permanent' },
  ValidationError: { code: 'ERPNEXT_VALIDATION_ERROR', kind: 'permanent' },
  // Someone saved the same document between our read and write: a retry reads it again.
  TimestampMismatchError: { code: 'ERPNEXT_TIMESTAMP_MISMATCH', kind: 'retryable' },
  QueryDeadlockError: { code: 'ERPNEXT_DATABASE_BUSY', kind: 'retryable' },
  QueryTimeoutError: { code: 'ERPNEXT_DATABASE_BUSY', kind: 'retryable' },
  TooManyRequestsError: { code: 'ERP_THROTTLED', kind: 'throttled' },
};

export function refineFrappeError(status: number, body: unknown): ErrorRefinement | undefined {
  const parsed = FrappeErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const excType = parsed.data.exc_type;
  const text = serverMessage(parsed.data._server_messages) ?? firstLine(parsed.data.exception);
  const message = `ERPNext answered HTTP ${status}${excType ? ` ${excType}` : ''}${text ? `: ${text}` : ''}`;
  const known = excType ? EXC_TYPES[excType] : undefined;
  if (known) return { code: known.code, message, ...(known.kind ? { kind: known.kind } : {}) };
  // Frappe answers 417 for every ValidationError subclass we did not name above.
  if (status === 417) return { code: 'ERPNEXT_VALIDATION_ERROR', message, kind: 'permanent' };
  return { message };
}

/** `_server_messages` is a JSON array of JSON-encoded { message } objects, with HTML in the text. */
function serverMessage(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const outer = JSON.parse(raw) as unknown;
    if (!Array.isArray(outer) || typeof outer[0] !== 'string') return undefined;
    const inner = JSON.parse(outer[0]) as { message?: unknown };
    return typeof inner.message === 'string' ? clip(inner.message.replace(/<[^>]*>/g, '')) : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string | undefined): string | undefined {
  return text ? clip(text.split('\n')[0] ?? '') : undefined;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
