// Which connections a run reads: every ERP and every store, narrowed by the run's scope. A scope
// naming a store compares that store against every ERP; one naming an ERP compares every store
// against that ERP alone.
import type { StoredConnection } from '../connections/connector-factory.js';
import { PermanentError } from '../connectors/errors.js';
import type { PrismaClient } from '../db/client.js';
import type { RunScope } from './run-store.js';

export type RunConnection = StoredConnection & { name: string; settings: unknown };

export type RunSource = { id: string; kind: 'erp' | 'channel'; name: string; connection: RunConnection };

export async function loadRunSources(prisma: PrismaClient, scope: RunScope): Promise<RunSource[]> {
  const connections = await prisma.connection.findMany({
    where: { deletedAt: null },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }, { id: 'asc' }],
  });
  const named = scope.connectionId ? connections.find((connection) => connection.id === scope.connectionId) : undefined;
  if (scope.connectionId && !named) {
    throw new PermanentError(`connection ${scope.connectionId} no longer exists`, { code: 'RECONCILIATION_CONNECTION_GONE' });
  }
  const erps = connections.filter((connection) => connection.kind === 'erp' && (named?.kind !== 'erp' || connection.id === named.id));
  const channels = connections.filter(
    (connection) => connection.kind !== 'erp' && (!named || named.kind === 'erp' || connection.id === named.id),
  );
  if (erps.length === 0) {
    throw new PermanentError('no ERP connection to reconcile against: connect the ERP first', { code: 'RECONCILIATION_NO_ERP' });
  }
  const toSource = (connection: (typeof connections)[number]): RunSource => ({
    id: connection.id,
    kind: connection.kind === 'erp' ? 'erp' : 'channel',
    name: connection.name,
    connection,
  });
  // ERPs first: every channel is compared against the complete ERP stock.
  return [...erps.map(toSource), ...channels.map(toSource)];
}
