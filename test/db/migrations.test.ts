// The committed migrations must build exactly what schema.prisma describes, and applying them twice
// must change nothing. The schema engine cannot introspect a live database here, so the check
// compares catalogs: migrations applied to one database, the schema's own DDL applied to another.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, diffSchemas, listMigrationNames, readSchema, readSnapshot } from '../../src/db/migrate.js';
import { createScratchDatabase, databaseUrlWithName, dropDatabase } from '../../src/db/scratch-database.js';
import { TEST_DATABASE_SERVER } from '../helpers/template-database.js';

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropDatabase(TEST_DATABASE_SERVER, name);
});

async function scratch(): Promise<string> {
  const name = await createScratchDatabase(TEST_DATABASE_SERVER, { prefix: 'sbmig' });
  created.push(name);
  return databaseUrlWithName(TEST_DATABASE_SERVER, name);
}

/** Tables, columns, types, nullability, defaults, indexes, constraints and enums, as text. */
async function describeCatalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const queries = [
      `select 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
         from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations'`,
      `select 'idx ' || tablename || ' ' || indexdef from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations'`,
      `select 'con ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
         where connamespace = 'public'::regnamespace and conrelid::regclass::text <> '_prisma_migrations'`,
      `select 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname`,
    ];
    const rows: string[] = [];
    for (const query of queries) rows.push(...(await client.query(query)).rows.map((row) => Object.values(row)[0] as string));
    return rows.sort();
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('apply from scratch, and a second run applies nothing', async () => {
    const url = await scratch();
    const names = await listMigrationNames();
    expect(names.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual(names);
    expect(await applyMigrations(url)).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const recorded = await client.query(
      'select migration_name from _prisma_migrations where finished_at is not null order by migration_name',
    );
    await client.end();
    expect(recorded.rows.map((row) => row.migration_name)).toEqual(names);
  });

  it('build exactly the schema in schema.prisma (no drift)', async () => {
    const migrated = await scratch();
    await applyMigrations(migrated);
    const direct = await scratch();
    const ddl = await diffSchemas(direct, null);
    const client = new pg.Client({ connectionString: direct });
    await client.connect();
    await client.query(ddl);
    await client.end();
    const [fromMigrations, fromSchema] = await Promise.all([describeCatalog(migrated), describeCatalog(direct)]);
    expect(fromSchema.length).toBeGreaterThan(50);
    expect(fromMigrations).toEqual(fromSchema);
  });

  it('record the schema they were written from, so the next migration diffs from it', async () => {
    const snapshot = await readSnapshot();
    expect(snapshot, 'run npm run db:migration:new -- <name> after editing schema.prisma').toBe(await readSchema());
    const lock = await readFile(new URL('../../prisma/migrations/migration_lock.toml', import.meta.url), 'utf8');
    expect(lock).toContain('provider = "postgresql"');
  });
});
