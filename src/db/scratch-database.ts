// Throwaway databases on the same server: the migration author diffs against one, and tests clone
// a migrated template into one per file.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export function databaseUrlWithName(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlWithName(baseUrl, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(baseUrl: string, options: { prefix: string; template?: string }): Promise<string> {
  const name = `${options.prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await withAdminClient(baseUrl, (client) =>
    client.query(
      `create database ${pg.escapeIdentifier(name)}${options.template ? ` template ${pg.escapeIdentifier(options.template)}` : ''}`,
    ),
  );
  return name;
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withAdminClient(baseUrl, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
}

export async function databaseExists(baseUrl: string, name: string): Promise<boolean> {
  return withAdminClient(baseUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    return (found.rowCount ?? 0) > 0;
  });
}
