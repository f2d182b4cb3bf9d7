// Connecting, changing and disconnecting stores and ERPs. Creating one is a multi-system step:
// validate and guard the URLs, test the credentials against the platform, save (encrypted), register
// webhooks; if a later step fails, the earlier ones are undone beside it, so nothing is half-made.
import { randomUUID } from 'node:crypto';
import type { ConnectionTestOutcome, WebhookRegistration } from '../connectors/contract.js';
import type { CredentialsCipher } from '../crypto/credentials-cipher.js';
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { connectionViewSelect, toConnectionView } from './connection-view.js';
import type { ConnectorFactory, StoredConnection } from './connector-factory.js';
import { type CreateConnectionInput, type LocationInput, splitConnectionInput, usesBaseUrlOverride } from './create-input.js';
import type { EndpointGuard } from './endpoint-guard.js';

export class ConnectionError extends Error {
  constructor(
    readonly code:
      | 'BASE_URL_OVERRIDE_NOT_ALLOWED'
      | 'ENDPOINT_REFUSED'
      | 'CONNECTION_TEST_FAILED'
      | 'WEBHOOK_REGISTRATION_FAILED'
      | 'NOT_FOUND',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export type ConnectionHooks = {
  /** After create/update/pause/resume/delete: keep poll schedules and targets in step. */
  changed?: (connectionId: string, change: 'created' | 'updated' | 'paused' | 'resumed' | 'deleted') => Promise<void>;
};

export type ConnectionsDeps = {
  prisma: PrismaClient;
  cipher: CredentialsCipher;
  guard: EndpointGuard;
  factory: ConnectorFactory;
  log: Logger;
  publicUrl: string;
  allowBaseUrlOverride: boolean;
  shopifyApiVersion: string;
  hooks?: ConnectionHooks;
  clock?: () => Date;
};

export function webhookCallbackUrl(publicUrl: string, kind: string, id: string): string {
  return `${publicUrl}/webhooks/${kind}/${id}`;
}

export function createConnections(deps: ConnectionsDeps) {
  const { prisma, log } = deps;
  const clock = deps.clock ?? (() => new Date());

  const audit = (actor: string, action: string, id: string, after: Prisma.InputJsonValue, before?: Prisma.InputJsonValue) =>
    prisma.auditEntry.create({
      data: { actor, action, entityType: 'connection', entityId: id, connectionId: id, after, ...(before ? { before } : {}) },
    });

  const load = async (id: string) => {
    const row = await prisma.connection.findFirst({ where: { id, deletedAt: null } });
    if (!row) throw new ConnectionError('NOT_FOUND', 'connection not found');
    return row;
  };

  const notify = (id: string, change: Parameters<NonNullable<ConnectionHooks['changed']>>[1]) =>
    deps.hooks
      ?.changed?.(id, change)
      .catch((error: unknown) => log.warn({ err: error, connectionId: id, change }, 'connection change hook failed'));

  async function guardUrls(urls: string[]): Promise<void> {
    for (const url of urls) {
      const decision = await deps.guard.check(url);
      if (decision.outcome === 'refused') throw new ConnectionError('ENDPOINT_REFUSED', decision.reason, { url });
    }
  }

  async function runTest(stored: StoredConnection): Promise<ConnectionTestOutcome> {
    try {
      return stored.kind === 'erp' ? await deps.factory.erp(stored).testConnection() : await deps.factory.channel(stored).testConnection();
    } catch (error) {
      return { outcome: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  return {
    async create(input: CreateConnectionInput, actor: string) {
      if (usesBaseUrlOverride(input) && !deps.allowBaseUrlOverride) {
        throw new ConnectionError(
          'BASE_URL_OVERRIDE_NOT_ALLOWED',
          'baseUrl overrides are disabled here (ALLOW_BASE_URL_OVERRIDE=true enables them)',
        );
      }
      const split = splitConnectionInput(input, { shopifyApiVersion: deps.shopifyApiVersion });
      await guardUrls(split.probeUrls);
      const id = randomUUID();
      const encrypted = deps.cipher.encrypt(split.credentials);
      const stored: StoredConnection = {
        id,
        kind: split.kind,
        erpType: split.erpType,
        settings: split.settings,
        credentials: encrypted.ciphertext,
        credentialsKeyId: encrypted.keyId,
      };

      const test = await runTest(stored);
      if (test.outcome !== 'ok') throw new ConnectionError('CONNECTION_TEST_FAILED', `connection test failed: ${test.detail}`, { test });
      const settings = split.kind === 'erp' && test.warehouses ? { ...split.settings, warehouses: test.warehouses } : split.settings;

      await prisma.connection.create({
        data: {
          id,
          kind: split.kind,
          erpType: split.erpType,
          name: input.name,
          settings: settings as Prisma.InputJsonValue,
          credentials: encrypted.ciphertext,
          credentialsKeyId: encrypted.keyId,
          lastTestedAt: clock(),
          lastTestResult: test as Prisma.InputJsonValue,
          locations: { create: initialLocations(input.kind === 'erp' ? undefined : input.locations, test) },
        },
      });

      let registrations: WebhookRegistration[] = [];
      if (split.kind !== 'erp') {
        try {
          registrations = await deps.factory.channel(stored).registerWebhooks(webhookCallbackUrl(deps.publicUrl, split.kind, id));
        } catch (error) {
          // Undo the save: a store without webhooks would silently never sync.
          await prisma.connection.delete({ where: { id } });
          throw new ConnectionError('WEBHOOK_REGISTRATION_FAILED', `could not register webhooks: ${(error as Error).message}`);
        }
        await prisma.connection.update({
          where: { id },
          data: { webhookRegistrations: registrations as unknown as Prisma.InputJsonValue },
        });
      }
      await audit(actor, 'connection.created', id, { kind: split.kind, name: input.name, settings } as Prisma.InputJsonValue);
      log.info({ connectionId: id, kind: split.kind, webhooks: registrations.length }, 'connection created');
      await notify(id, 'created');
      return { id, kind: split.kind, name: input.name, status: 'active' as const, test, webhooks: registrations.length };
    },

    async list() {
      const rows = await prisma.connection.findMany({
        where: { deletedAt: null },
        orderBy: { createdAt: 'asc' },
        select: connectionViewSelect,
      });
      return rows.map(toConnectionView);
    },

    async get(id: string) {
      const row = await prisma.connection.findFirst({ where: { id, deletedAt: null }, select: connectionViewSelect });
      if (!row) throw new ConnectionError('NOT_FOUND', 'connection not found');
      return toConnectionView(row);
    },

    async test(id: string, actor: string) {
      const row = await load(id);
      const test = await runTest(row);
      await prisma.connection.update({
        where: { id },
        data: { lastTestedAt: clock(), lastTestResult: test as Prisma.InputJsonValue, status: test.outcome === 'ok' ? 'active' : 'error' },
      });
      await audit(actor, 'connection.tested', id, test as Prisma.InputJsonValue);
      return test;
    },

    async update(id: string, patch: ConnectionPatch, actor: string) {
      const row = await load(id);
      const before = row.settings as Record<string, unknown>;
      const settings = { ...before, ...definedEntries(patch.settings ?? {}) };
      await prisma.$transaction(async (tx) => {
        await tx.connection.update({
          where: { id },
          data: { ...(patch.name ? { name: patch.name } : {}), settings: settings as Prisma.InputJsonValue },
        });
        if (patch.locations) {
          await tx.locationMapping.deleteMany({ where: { connectionId: id } });
          await tx.locationMapping.createMany({
            data: patch.locations.map((location) => ({ connectionId: id, ...toLocationRow(location) })),
          });
        }
      });
      await audit(
        actor,
        'connection.updated',
        id,
        { name: patch.name, settings, locations: patch.locations } as Prisma.InputJsonValue,
        before as Prisma.InputJsonValue,
      );
      await notify(id, 'updated');
      return this.get(id);
    },

    async setPaused(id: string, paused: boolean, actor: string) {
      await load(id);
      await prisma.connection.update({ where: { id }, data: { paused } });
      await audit(actor, paused ? 'connection.paused' : 'connection.resumed', id, { paused });
      log.info({ connectionId: id, paused }, paused ? 'connection paused' : 'connection resumed');
      await notify(id, paused ? 'paused' : 'resumed');
      return this.get(id);
    },

    /** Disconnect: remove our webhooks from the platform, then retire the row (history stays). */
    async remove(id: string, actor: string) {
      const row = await load(id);
      const registrations = (Array.isArray(row.webhookRegistrations) ? row.webhookRegistrations : []) as unknown as WebhookRegistration[];
      let unregistered = true;
      if (row.kind !== 'erp' && registrations.length > 0) {
        try {
          await deps.factory.channel(row).unregisterWebhooks(registrations);
        } catch (error) {
          unregistered = false;
          log.warn({ err: error, connectionId: id }, 'could not remove webhooks from the platform; disconnecting anyway');
        }
      }
      await prisma.connection.update({
        where: { id },
        data: { deletedAt: clock(), status: 'disconnected', paused: true, webhookRegistrations: [] },
      });
      await audit(actor, 'connection.deleted', id, { webhooksRemoved: unregistered });
      await notify(id, 'deleted');
      return { webhooksRemoved: unregistered };
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;

export type ConnectionPatch = {
  name?: string;
  settings?: Record<string, unknown>;
  locations?: LocationInput[];
};

function definedEntries(value: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function toLocationRow(location: LocationInput) {
  return {
    externalLocationId: location.externalLocationId,
    name: location.name ?? '',
    warehouseCodes: location.warehouseCodes,
    active: location.active ?? true,
  };
}

/** Locations the merchant gave, else every location the store reported (to be mapped in the UI). */
function initialLocations(given: LocationInput[] | undefined, test: ConnectionTestOutcome) {
  if (given) return given.map(toLocationRow);
  const reported = test.outcome === 'ok' ? (test.locations ?? []) : [];
  return reported.map((location) => ({
    externalLocationId: location.externalLocationId,
    name: location.name,
    warehouseCodes: [],
    active: true,
  }));
}
