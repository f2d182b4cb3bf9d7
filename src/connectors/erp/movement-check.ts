// A movement every ERP would refuse is refused here, before any call, with a stable code: the
// engine dead-letters it instead of retrying a request that cannot succeed.
import type { ErpMovement } from '../contract.js';
import { PermanentError } from '../errors.js';

const MAX_QUANTITY = 1_000_000_000;

export function validateMovement(movement: ErpMovement, idempotencyKey: string): void {
  const problems: string[] = [];
  if (!Number.isInteger(movement.quantity) || movement.quantity === 0 || Math.abs(movement.quantity) > MAX_QUANTITY) {
    problems.push('quantity must be a non-zero integer within ±1,000,000,000');
  }
  if (movement.sku.trim() === '') problems.push('sku is blank');
  if (movement.warehouse.trim() === '') problems.push('warehouse is blank');
  if (movement.reference.trim() === '') problems.push('reference is blank');
  if (Number.isNaN(movement.occurredAt.getTime())) problems.push('occurredAt is not a date');
  if (idempotencyKey.trim() === '' || idempotencyKey.length > 255) problems.push('idempotency key must be 1..255 characters');
  if (problems.length > 0) {
    throw new PermanentError(`Movement refused before sending: ${problems.join('; ')}`, {
      code: 'ERP_INVALID_MOVEMENT',
      context: { sku: movement.sku, warehouse: movement.warehouse, problems },
    });
  }
}
