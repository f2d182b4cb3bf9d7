// Turns the result of a connection probe into the tagged outcome the admin form shows, in plain
// words a merchant can act on. Only connector errors are translated; anything else is a bug and
// is rethrown.
import type { ConnectionTestOutcome } from '../contract.js';
import { ConnectorError } from '../errors.js';

export async function probeErpConnection(label: string, listWarehouses: () => Promise<string[]>): Promise<ConnectionTestOutcome> {
  try {
    const warehouses = await listWarehouses();
    const detail =
      warehouses.length === 0
        ? `Connected to ${label}, but it lists no warehouses yet.`
        : `Connected to ${label}: ${warehouses.length} warehouse${warehouses.length === 1 ? '' : 's'} found.`;
    return { outcome: 'ok', detail, warehouses };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return outcomeForError(label, error);
  }
}

export function outcomeForError(label: string, error: ConnectorError): ConnectionTestOutcome {
  switch (error.code) {
    case 'ERP_AUTH_FAILED':
      return { outcome: 'auth_failed', detail: `${label} refused the credentials. Check the API key and secret (and the login for Odoo).` };
    case 'ERP_FORBIDDEN':
      return {
        outcome: 'forbidden',
        detail: `${label} accepted the credentials but this user may not read stock or warehouses. Give it stock access.`,
      };
    case 'ERP_NOT_FOUND':
    case 'ERP_REDIRECTED':
    case 'ODOO_DATABASE_REQUIRED':
    case 'ODOO_DATABASE_NOT_FOUND':
      return { outcome: 'not_found', detail: `${label} was reached, but not the expected API: ${error.message}. Check the base URL.` };
    case 'ERP_TLS_ERROR':
      return { outcome: 'tls_error', detail: `${label}'s HTTPS certificate is not trusted (${error.message}).` };
    case 'ERP_INVALID_RESPONSE':
      return { outcome: 'invalid_response', detail: `${label} answered, but not like the API we expect: ${error.message}.` };
    case 'ERP_TIMEOUT':
    case 'ERP_UNREACHABLE':
      return {
        outcome: 'unreachable',
        detail: `${label} could not be reached: ${error.message}. Check the address and that it is online.`,
      };
    default:
      if (error.kind === 'permanent') return { outcome: 'invalid_response', detail: `${label} refused the request: ${error.message}.` };
      return { outcome: 'unreachable', detail: `${label} is not answering normally right now (${error.message}). Try again shortly.` };
  }
}
