// Migrations without downloads: Prisma's own schema engine compiled to WebAssembly, talking to
// PostgreSQL through the pg driver adapter. Records applied migrations in `_prisma_migrations`
// exactly as `prisma migrate deploy` does, so either tool can be used on the same database.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** The project root: the nearest folder above this file with a prisma/ folder (src/ or dist/src/). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'prisma', 'schema.prisma'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no prisma/schema.prisma above ${start}`);
    dir = parent;
  }
  return dir;
}

const ROOT = findProjectRoot(import.meta.dirname);
export const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const LOCKFILE = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

type Engine = Awaited<ReturnType<typeof import('@prisma/schema-engine-wasm').SchemaEngine.new>>;

async function withEngine<T>(databaseUrl: string, work: (engine: Engine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await import('@prisma/schema-engine-wasm');
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  // We own the pool: freeing the engine does not close its connections.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool, { disposeExternalPool: false }));
  try {
    const engine = await SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, adapter);
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

async function loadMigrationsList(dir = MIGRATIONS_DIR) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockContent = await readFile(path.join(dir, LOCKFILE), 'utf8').catch(() => 'provider = "postgresql"\n');
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await loadMigrationsList();
  return withEngine(databaseUrl, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/** SQL that turns `fromSchema` into the current schema.prisma (empty string: nothing to do). */
export async function diffSchemas(databaseUrl: string, fromSchema: string | null): Promise<string> {
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  return withEngine(databaseUrl, async (engine) => {
    const result = await engine.diff({
      from: fromSchema === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'previous.prisma', content: fromSchema }] },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  });
}

/**
 * The datamodel the committed migrations produce. The WebAssembly engine cannot describe a live
 * PostgreSQL database (it fails on the catalog's "char" columns) nor use a shadow database, so each
 * new migration also records the schema it was diffed to; the next one diffs from that text.
 */
export const SNAPSHOT_PATH = path.join(MIGRATIONS_DIR, 'schema.snapshot.prisma');

export async function readSnapshot(): Promise<string | null> {
  return readFile(SNAPSHOT_PATH, 'utf8').catch(() => null);
}

export async function readSchema(): Promise<string> {
  return readFile(SCHEMA_PATH, 'utf8');
}

export async function listMigrationNames(): Promise<string[]> {
  return (await loadMigrationsList()).migrationDirectories.map((entry) => entry.path);
}

export function isEmptyMigration(sql: string): boolean {
  return sql.trim() === '' || /^-- This is an empty migration\.?$/.test(sql.trim());
}
