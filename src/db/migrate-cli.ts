// npm run db:migrate            applies pending migrations (creating the database if missing)
// npm run db:migration:new -- x  writes prisma/migrations/<timestamp>_x/migration.sql from the
//                                difference between the committed migrations and schema.prisma
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import {
  applyMigrations,
  diffSchemas,
  ensureDatabase,
  isEmptyMigration,
  MIGRATIONS_DIR,
  readSchema,
  readSnapshot,
  SNAPSHOT_PATH,
} from './migrate.js';

async function deploy(databaseUrl: string): Promise<void> {
  if (await ensureDatabase(databaseUrl)) console.log('created database');
  const applied = await applyMigrations(databaseUrl);
  console.log(applied.length === 0 ? 'database is up to date' : `applied ${applied.length}: ${applied.join(', ')}`);
}

async function writeNext(databaseUrl: string, name: string | undefined): Promise<void> {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run db:migration:new -- <name> (lowercase, digits, _)');
  await ensureDatabase(databaseUrl); // the engine connects even for a text-to-text diff
  const sql = await diffSchemas(databaseUrl, await readSnapshot());
  if (isEmptyMigration(sql)) {
    // Comment-only edits change no SQL; keep the snapshot equal to the schema anyway.
    await writeFile(SNAPSHOT_PATH, await readSchema());
    console.log('schema.prisma matches the migrations: nothing to write');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  await writeFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
  await writeFile(SNAPSHOT_PATH, await readSchema());
  console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}

const [command, name] = process.argv.slice(2);
const config = loadConfig();
try {
  if (command === 'deploy') await deploy(config.database.url);
  else if (command === 'new') await writeNext(config.database.url, name);
  else throw new Error('usage: migrate-cli.ts deploy | new <name>');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
