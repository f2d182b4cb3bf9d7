// startStack: the whole system on one machine, for `npm run demo`, end-to-end tests, chaos runs and
// benchmarks. PostgreSQL and Redis (default or private), a migrated database, the three simulators
// seeded with one catalog, stockbridge itself (in this process, or as API and worker child
// processes), an admin user and API token, the stores connected through the API and settled.
// stop() undoes all of it in reverse order: no child process, open port or temp folder survives.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ServiceOverrides } from '../app/services.js';
import { createApiTokens } from '../auth/api-tokens.js';
import { createUsers } from '../auth/users.js';
import { type Config, loadConfig } from '../config/config.js';
import { createDatabase, type Database } from '../db/client.js';
import { type ApiClient, createApiClient } from './api-client.js';
import { buildDemoCatalog, type DemoCatalog } from './catalog.js';
import { type Connected, connectSimulators } from './connect-simulators.js';
import { freePort } from './local-services.js';
import { type InProcessService, startServiceInProcess } from './service-in-process.js';
import { type ServiceProcesses, startServiceProcesses } from './service-processes.js';
import { type Simulators, startSimulators } from './simulators.js';
import {
  createResourceList,
  dropQueueKeys,
  ephemeralQueuePrefix,
  prepareDatabase,
  prepareRedis,
  type ResourceList,
} from './stack-resources.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type StackOptions = {
  /** Base configuration, as environment variables (the demo passes process.env; tests their own). */
  env?: Record<string, string | undefined>;
  /** A throwaway database and queue prefix, both removed by stop() (tests, benches). */
  ephemeral?: boolean;
  /** With `ephemeral`: clone this migrated database instead of migrating a new one. */
  databaseTemplate?: string;
  /** Where the API (or the balancer in front of API processes) listens; 0 or absent: a free port. */
  port?: number;
  catalog?: { skus?: number; seed?: number };
  /** Run the service as child processes instead of in this process. */
  processes?: { api: number; workers: number };
  /** Service hooks for the in-process mode (a captured logger, a private metrics registry). */
  overrides?: ServiceOverrides;
  admin?: { email?: string };
  /** Runs once PostgreSQL and Redis answer and the database is migrated, before anything uses them. */
  beforeStart?: (context: { databaseUrl: string; redisUrl: string; queuePrefix: string }) => Promise<void>;
  progress?: (step: string) => void;
  /** Aborting stops start-up between steps; what was started is stopped again. */
  signal?: AbortSignal;
  /**
   * Return only once every store location shows its target (default). The demo does not wait:
   * its first full resync runs while the newcomer opens the UI.
   */
  waitForSync?: boolean;
  /** How long catalog imports and the first sync may take. */
  settleTimeoutMs?: number;
};

export type Stack = {
  config: Config;
  /** Where the API answers and the simulators send webhooks (PUBLIC_URL). */
  apiUrl: string;
  /** The API with the admin token. */
  api: ApiClient;
  token: string;
  admin: { email: string; password: string };
  catalog: DemoCatalog;
  simulators: Simulators;
  connections: Connected;
  db: Database;
  service: InProcessService | ServiceProcesses;
  stop(): Promise<void>;
};

export const DEFAULT_CATALOG = { skus: 500, seed: 42 } as const;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = (step: string) => {
    options.signal?.throwIfAborted();
    options.progress?.(step);
  };
  const env = options.env ?? {};
  const defaults = loadConfig(env);
  const ephemeral = options.ephemeral ?? false;
  const resources = createResourceList();
  try {
    progress('checking PostgreSQL and Redis');
    const databaseUrl = await prepareDatabase(resources, { url: defaults.database.url, ephemeral, template: options.databaseTemplate });
    const { url: redisUrl, redis } = await prepareRedis(resources, defaults.redis.url);
    const queuePrefix = ephemeral ? ephemeralQueuePrefix() : defaults.queuePrefix;
    if (ephemeral) resources.add(`queue keys ${queuePrefix}`, () => dropQueueKeys(redis, queuePrefix));
    await options.beforeStart?.({ databaseUrl, redisUrl, queuePrefix });

    const port = options.port || (await freePort());
    const publicUrl = `http://127.0.0.1:${port}`;
    const serviceEnv = definedStrings({
      ...env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      HOST: env.HOST ?? '127.0.0.1',
      // The simulators listen on loopback, which the SSRF guard refuses unless told otherwise.
      ALLOW_PRIVATE_ENDPOINTS: 'true',
    });
    const config = loadConfig(serviceEnv);

    const skus = options.catalog?.skus ?? DEFAULT_CATALOG.skus;
    const seed = options.catalog?.seed ?? DEFAULT_CATALOG.seed;
    const catalog = buildDemoCatalog({ skus, seed });
    progress(`starting the ERP, Shopify and WooCommerce simulators with ${catalog.skus.length} SKUs`);
    const simulators = await startSimulators({ catalog, seed });
    resources.add('simulators', () => simulators.close());

    progress(
      options.processes
        ? `starting ${options.processes.api} API and ${options.processes.workers} worker processes`
        : 'starting the API and workers',
    );
    const { service, db } = await startService(resources, { config, serviceEnv, redis, options });

    const admin = { email: options.admin?.email ?? 'admin@demo.example', password: randomBytes(12).toString('base64url') };
    await createUsers({ prisma: db.prisma }).create({ email: admin.email, role: 'admin', password: admin.password, name: 'Demo admin' });
    const { token } = await createApiTokens({ prisma: db.prisma }).create({ role: 'admin', name: 'demo stack' });
    const api = createApiClient({ baseUrl: publicUrl, token });

    const connections = await connectSimulators({
      api,
      prisma: db.prisma,
      simulators,
      publicUrl,
      skuCount: catalog.skus.length,
      timeoutMs: options.settleTimeoutMs ?? 180_000,
      ...(options.signal ? { signal: options.signal } : {}),
      waitForSync: options.waitForSync ?? true,
      progress,
    });
    return { config, apiUrl: publicUrl, api, token, admin, catalog, simulators, connections, db, service, stop: () => resources.stopAll() };
  } catch (error) {
    await resources.stopAll().catch((stopError: unknown) => {
      throw new AggregateError([error, stopError], 'the stack failed to start, and did not stop cleanly');
    });
    throw error;
  }
}

async function startService(
  resources: ResourceList,
  input: { config: Config; serviceEnv: Record<string, string>; redis: Redis; options: StackOptions },
): Promise<{ service: InProcessService | ServiceProcesses; db: Database }> {
  const { config, options } = input;
  if (!options.processes) {
    const service = await startServiceInProcess(config, options.overrides);
    resources.add('service', () => service.close());
    return { service, db: service.services.db };
  }
  const db = createDatabase({ ...config.database, poolSize: 3 });
  resources.add('stack database pool', () => db.close());
  const events = new Queue('events', { connection: input.redis, prefix: config.queuePrefix });
  resources.add('stack queue handle', () => events.close());
  const service = await startServiceProcesses({
    root: ROOT,
    env: input.serviceEnv,
    publicPort: config.port,
    api: options.processes.api,
    workers: options.processes.workers,
    countWorkers: () => events.getWorkersCount(),
  });
  resources.add('service processes', () => service.close());
  return { service, db };
}

function definedStrings(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
