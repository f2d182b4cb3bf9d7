// What the API shows of a connection: settings and state, never credentials.
import type { Prisma } from '../db/client.js';

export const connectionViewSelect = {
  id: true,
  kind: true,
  erpType: true,
  name: true,
  settings: true,
  paused: true,
  status: true,
  lastTestedAt: true,
  lastTestResult: true,
  webhookRegistrations: true,
  pollCursor: true,
  createdAt: true,
  updatedAt: true,
  locations: {
    select: { externalLocationId: true, name: true, warehouseCodes: true, active: true },
    orderBy: { externalLocationId: 'asc' },
  },
} satisfies Prisma.ConnectionSelect;

export type ConnectionRow = Prisma.ConnectionGetPayload<{ select: typeof connectionViewSelect }>;

export function toConnectionView(row: ConnectionRow) {
  const registrations = Array.isArray(row.webhookRegistrations) ? row.webhookRegistrations : [];
  return {
    id: row.id,
    kind: row.kind,
    erpType: row.erpType,
    name: row.name,
    settings: row.settings,
    paused: row.paused,
    status: row.status,
    lastTestedAt: row.lastTestedAt,
    lastTestResult: row.lastTestResult,
    webhooks: registrations.length,
    pollCursor: row.pollCursor,
    locations: row.locations,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export type ConnectionView = ReturnType<typeof toConnectionView>;
