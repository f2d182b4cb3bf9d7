// The one permission table: every /api/v1 route appears here with the roles allowed to call it.
// The auth plugin refuses to register an /api/v1 route that is missing, so nothing is open by accident.
import type { Role } from './roles.js';

const ALL: Role[] = ['admin', 'support', 'accountant'];
const OPERATORS: Role[] = ['admin', 'support'];
const ADMIN: Role[] = ['admin'];

export const PERMISSIONS: Record<string, readonly Role[]> = {
  'GET /api/v1/me': ALL,
  'GET /api/v1/connections': ALL,
  'GET /api/v1/connections/:id': ALL,
  'POST /api/v1/connections': ADMIN,
  'PATCH /api/v1/connections/:id': ADMIN,
  'DELETE /api/v1/connections/:id': ADMIN,
  'POST /api/v1/connections/:id/test': ADMIN,
  'GET /api/v1/connections/:id/catalog': OPERATORS,
  'POST /api/v1/connections/:id/catalog/import': OPERATORS,
  'POST /api/v1/connections/:id/pause': OPERATORS,
  'POST /api/v1/connections/:id/resume': OPERATORS,
  'GET /api/v1/events': OPERATORS,
  'GET /api/v1/events/:id': OPERATORS,
  'POST /api/v1/events/:id/replay': OPERATORS,
  'GET /api/v1/tokens': ADMIN,
  'POST /api/v1/tokens': ADMIN,
  'DELETE /api/v1/tokens/:id': ADMIN,
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'POST /api/v1/users/:id/password': ADMIN,
  'GET /api/v1/queues': OPERATORS,
  'GET /api/v1/queues/:queue/jobs/:id': OPERATORS,
  'GET /api/v1/skus/:sku': ALL,
  'POST /api/v1/resyncs': OPERATORS,
  'GET /api/v1/dead-letters': OPERATORS,
  'POST /api/v1/dead-letters/:id/replay': OPERATORS,
  'POST /api/v1/dead-letters/replay': OPERATORS,
  'GET /api/v1/reconciliations': ALL,
  'POST /api/v1/reconciliations': OPERATORS,
  'GET /api/v1/reconciliations/:id': ALL,
  'GET /api/v1/reconciliations/:id/discrepancies.csv': ALL,
  'GET /api/v1/reconciliations/:id/discrepancies': ALL,
  'GET /api/v1/reports/runs': ALL,
  'GET /api/v1/reports/runs.csv': ALL,
  'GET /api/v1/reports/discrepancies': ALL,
  'GET /api/v1/reports/discrepancies.csv': ALL,
  'GET /api/v1/reports/movements': ALL,
  'GET /api/v1/reports/movements.csv': ALL,
  'GET /api/v1/reports/audit': ALL,
  'GET /api/v1/reports/audit.csv': ALL,
  'GET /api/v1/reports/channel-totals': ALL,
  'GET /api/v1/reports/channel-totals.csv': ALL,
  'GET /api/v1/reports/stale-skus': ALL,
  'GET /api/v1/reports/stale-skus.csv': ALL,
};

export function permissionKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** Routes register their entries here too when they live in their own module. */
export function rolesFor(method: string, url: string): readonly Role[] | undefined {
  return PERMISSIONS[permissionKey(method, url)];
}
