import { createHmac, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { expect } from 'vitest';
import { createConnectionSecrets } from '../../src/inbox/connection-secrets.js';
import { dbTest } from '../helpers/fixtures.js';
import { createConnection, sign } from '../http/webhooks/webhook-helpers.js';

/** The real pool, counting the queries made through it. */
function countingPool(pool: pg.Pool) {
  const counter = { queries: 0 };
  const counted = {
    query: (...args: Parameters<pg.Pool['query']>) => {
      counter.queries++;
      return (pool.query as (...a: unknown[]) => unknown)(...args);
    },
  } as unknown as pg.Pool;
  return { pool: counted, counter };
}

dbTest.describe('createConnectionSecrets', () => {
  dbTest('reads and decrypts a connection once, then serves it from memory', async ({ services }) => {
    const connection = await createConnection(services, 'shopify', { shopDomain: 'Mixed-Case.myshopify.com' });
    const { pool, counter } = countingPool(services.db.pool);
    const secrets = createConnectionSecrets({ pool, cipher: services.cipher, ttlMs: 60_000 });
    const [a, b] = await Promise.all([secrets.get(connection.id), secrets.get(connection.id)]);
    const c = await secrets.get(connection.id);
    expect(counter.queries).toBe(1);
    expect(a).toBe(b);
    expect(c).toMatchObject({ id: connection.id, kind: 'shopify', paused: false, shopDomain: 'mixed-case.myshopify.com' });
    // The cached key signs exactly like the stored secret.
    const key = c?.secret;
    expect(key && createHmac('sha256', key).update('body').digest('base64')).toBe(sign('body', connection.secret));
  });

  dbTest('unknown and deleted connections are null, and cached as such', async ({ services }) => {
    const deleted = await createConnection(services, 'woocommerce', { deleted: true });
    const { pool, counter } = countingPool(services.db.pool);
    const secrets = createConnectionSecrets({ pool, cipher: services.cipher, ttlMs: 60_000 });
    const unknown = randomUUID();
    expect(await secrets.get(unknown)).toBeNull();
    expect(await secrets.get(unknown)).toBeNull();
    expect(await secrets.get(deleted.id)).toBeNull();
    expect(counter.queries).toBe(2);
  });

  dbTest('invalidate() makes the next lookup read the database again', async ({ services }) => {
    const connection = await createConnection(services, 'shopify');
    const secrets = createConnectionSecrets({ pool: services.db.pool, cipher: services.cipher, ttlMs: 60_000 });
    expect((await secrets.get(connection.id))?.paused).toBe(false);
    await services.prisma.connection.update({ where: { id: connection.id }, data: { paused: true } });
    expect((await secrets.get(connection.id))?.paused).toBe(false); // still cached
    secrets.invalidate(connection.id);
    expect((await secrets.get(connection.id))?.paused).toBe(true);
  });

  dbTest('entries expire after the TTL', async ({ services }) => {
    const connection = await createConnection(services, 'erp');
    let now = 1_000;
    const secrets = createConnectionSecrets({ pool: services.db.pool, cipher: services.cipher, ttlMs: 5_000, clock: () => now });
    await secrets.get(connection.id);
    await services.prisma.connection.update({ where: { id: connection.id }, data: { deletedAt: new Date() } });
    now += 4_999;
    expect(await secrets.get(connection.id)).not.toBeNull();
    now += 1;
    expect(await secrets.get(connection.id)).toBeNull();
  });

  dbTest('an ERP connection without a webhook secret has no key', async ({ services }) => {
    const connection = await createConnection(services, 'erp', { secret: null });
    const secrets = createConnectionSecrets({ pool: services.db.pool, cipher: services.cipher, ttlMs: 60_000 });
    expect((await secrets.get(connection.id))?.secret).toBeUndefined();
  });
});
