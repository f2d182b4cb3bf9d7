// PostgreSQL access: one pg.Pool shared by Prisma (through the driver adapter, no native engine)
// and by the few hot paths that need plain SQL (bulk inbox inserts, streamed reports).
// Every connection is bounded: a hung database must fail a request in seconds, not hang it.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.js';

export { Prisma, PrismaClient } from './generated/client.js';

export type Database = {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  onPoolError?: (error: Error) => void;
};

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, it kills the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  let closed = false;
  return {
    prisma,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** True when the database answers a trivial query within the pool's timeouts. */
export async function pingDatabase(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
