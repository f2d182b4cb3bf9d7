// Prisma CLI configuration. `prisma generate` only needs the schema; it would download a native
// schema engine unless PRISMA_SCHEMA_ENGINE_BINARY names a file, and this project migrates with the
// WebAssembly engine instead (src/db/migrate.ts), so any existing file will do: node itself.
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/stockbridge',
  },
});
