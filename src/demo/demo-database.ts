// `npm run demo` uses the default database, so a second run finds the first run's connections, which
// point at simulators that are gone. When everything in it was made by the demo, it is emptied (and
// the demo's queued jobs with it); when anything else is there, the demo refuses to touch it.
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEMO_CONNECTION_NAMES } from './connect-simulators.js';
import { dropQueueKeys } from './stack-resources.js';

export class DemoDatabaseInUseError extends Error {
  readonly code = 'DEMO_DATABASE_IN_USE';
  constructor(databaseUrl: string, found: string) {
    const url = new URL(databaseUrl);
    url.password = '';
    url.pathname = '/stockbridge_demo';
    super(
      `The database at DATABASE_URL holds data the demo did not make (${found}); the demo leaves it alone.\n` +
        `Point the demo at a database of its own, e.g.\n  DATABASE_URL=${url.toString()} npm run demo`,
    );
    this.name = 'DemoDatabaseInUseError';
  }
}

export type LeftoverOutcome = { outcome: 'empty' } | { outcome: 'cleared'; connections: number };

export async function clearDemoLeftovers(input: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  adminEmail: string;
}): Promise<LeftoverOutcome> {
  const client = new pg.Client({ connectionString: input.databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  let connections = 0;
  try {
    const demoNames = Object.values(DEMO_CONNECTION_NAMES);
    const foreignConnections = await client.query<{ name: string }>('select name from connections where not (name = any($1)) limit 3', [
      demoNames,
    ]);
    const foreignUsers = await client.query<{ email: string }>('select email from users where email <> $1 limit 3', [input.adminEmail]);
    const found = [
      ...foreignConnections.rows.map((row) => `connection "${row.name}"`),
      ...foreignUsers.rows.map((row) => `user ${row.email}`),
    ];
    if (found.length > 0) throw new DemoDatabaseInUseError(input.databaseUrl, found.join(', '));
    const leftovers = await client.query<{ count: string }>('select count(*) from connections');
    const users = await client.query<{ count: string }>('select count(*) from users');
    connections = Number(leftovers.rows[0]?.count ?? 0);
    if (connections === 0 && Number(users.rows[0]?.count ?? 0) === 0) return { outcome: 'empty' };

    const tables = await client.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = current_schema() and tablename <> '_prisma_migrations'",
    );
    const names = tables.rows.map((row) => pg.escapeIdentifier(row.tablename)).join(', ');
    if (names !== '') await client.query(`truncate ${names} restart identity cascade`);
  } finally {
    await client.end();
  }
  // The previous run's jobs (pushes, polls, schedulers) would act on rows that are gone.
  const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    await dropQueueKeys(redis, input.queuePrefix);
  } finally {
    redis.disconnect();
  }
  return { outcome: 'cleared', connections };
}
