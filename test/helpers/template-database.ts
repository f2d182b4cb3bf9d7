// A migrated template database, named by a hash of the migrations so that a new migration makes a
// new template. Each test file clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { databaseUrlWithName } from '../../src/db/scratch-database.js';

export const TEST_DATABASE_SERVER = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) hash.update(dir).update(await readFile(path.join(MIGRATIONS_DIR, dir, 'migration.sql')));
  return `stockbridge_tpl_${hash.digest('hex').slice(0, 16)}`;
}

export async function ensureTemplateDatabase(): Promise<string> {
  const name = await templateName();
  const admin = new pg.Client({ connectionString: databaseUrlWithName(TEST_DATABASE_SERVER, 'postgres') });
  await admin.connect();
  try {
    // One creator at a time across concurrent runs on this server.
    await admin.query('select pg_advisory_lock(727274)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) {
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${pg.escapeIdentifier(building)} with (force)`);
      await admin.query(`create database ${pg.escapeIdentifier(building)}`);
      await applyMigrations(databaseUrlWithName(TEST_DATABASE_SERVER, building));
      await admin.query(`alter database ${pg.escapeIdentifier(building)} rename to ${pg.escapeIdentifier(name)}`);
    }
    await admin.query('select pg_advisory_unlock(727274)');
    return name;
  } finally {
    await admin.end();
  }
}
