// Credentials are unreadable in the database without the key. Every connection kind is created
// through the API with every secret set; then the raw rows (SQL, every column, as PostgreSQL prints
// them) of the connections table, and of every other table too, hold none of the secrets in any
// encoding, and neither a cipher nor a whole deployment with a different key can read them back.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { createCredentialsCipher } from '../../src/crypto/credentials-cipher.js';
import { createTestServices, dbTest, dropQueuePrefix } from '../helpers/fixtures.js';
import { sign } from '../http/webhooks/webhook-helpers.js';
import { connectionBodies, leaked, newSecrets, startPlatforms } from './secret-world.js';
import { adminToken, appWithRoutes } from './security-helpers.js';

const secrets = newSecrets();
const apps: FastifyInstance[] = [];
const ids: Record<string, string> = {};

const test = dbTest.extend('connected', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const platforms = await startPlatforms(secrets);
  onCleanup(() => platforms.close());
  const { app } = await appWithRoutes(services);
  apps.push(app);
  const token = await adminToken(services);
  for (const [name, body] of Object.entries(connectionBodies(secrets, platforms))) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });
    if (response.statusCode !== 201) throw new Error(`${name}: ${response.body}`);
    ids[name] = response.json().id;
  }
  return Object.keys(ids).length;
});

afterAll(async () => {
  for (const app of apps) await app.close();
});

const SECRET_NAMES = Object.keys(secrets).filter(
  (name) => !['shopifyClientId', 'userPassword', 'newPassword', 'wrongSecret'].includes(name),
);

/** Each secret as text, hex and base64: how it would show if a column held its bytes. */
function encodings(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of SECRET_NAMES) {
    const value = secrets[name as keyof typeof secrets];
    values[name] = value;
    values[`${name} (hex)`] = Buffer.from(value).toString('hex');
    values[`${name} (base64)`] = Buffer.from(value).toString('base64').replace(/=+$/, '');
  }
  return values;
}

test.describe('credentials at rest', () => {
  test('no column of any connections row holds a secret, in any encoding', async ({ connected, services }) => {
    expect(connected).toBe(5);
    const { rows } = await services.db.pool.query<{ row: string }>('select row_to_json(c)::text as row from connections c');
    expect(rows).toHaveLength(5);
    for (const { row } of rows) {
      expect(row).toMatch(/"credentials":"\\\\x[0-9a-f]+"/);
      expect(leaked(row, encodings()), row.slice(0, 300)).toEqual([]);
    }
    // The hex of what is stored is not the hex of any plaintext either (a bytea printed raw).
    const raw = await services.db.pool.query<{ bytes: string; escaped: string }>(
      "select encode(credentials, 'hex') as bytes, encode(credentials, 'escape') as escaped from connections",
    );
    for (const { bytes, escaped } of raw.rows) expect(leaked(`${bytes}\n${escaped}`, encodings())).toEqual([]);
  });

  test('no other table holds a secret either (audit trail, inbox, tokens, sessions, users)', async ({ connected, services }) => {
    expect(connected).toBe(5);
    const tables = await services.db.pool.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    expect(tables.rows.length).toBeGreaterThan(10);
    for (const { name } of tables.rows) {
      const dump = await services.db.pool.query<{ row: string }>(`select row_to_json(t)::text as row from "${name}" t`);
      expect(leaked(dump.rows.map((entry) => entry.row).join('\n'), encodings()), name).toEqual([]);
    }
  });

  test('the stored blobs open only with the key that sealed them', async ({ connected, services }) => {
    expect(connected).toBe(5);
    const rows = await services.prisma.connection.findMany({ where: { id: { in: Object.values(ids) } } });
    for (const row of rows) {
      const plain = services.cipher.decryptStored<Record<string, unknown>>(row);
      expect(Object.values(plain).some((value) => typeof value === 'string' && Object.values(secrets).includes(value))).toBe(true);
      const impostor = createCredentialsCipher({ key: randomBytes(32), keyId: row.credentialsKeyId });
      expect(() => impostor.decryptStored(row), row.name).toThrow(/authenticate/);
      const tampered = Buffer.from(row.credentials);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
      expect(() => services.cipher.decryptStored({ ...row, credentials: tampered })).toThrow();
    }
  });

  test('a deployment with a different ENCRYPTION_KEY can use none of the stored credentials, and says so without secrets', async ({
    connected,
    database,
    services,
  }) => {
    expect(connected).toBe(5);
    const other = await createTestServices(database, {
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ENCRYPTION_KEY_ID: services.cipher.currentKeyId,
    });
    try {
      const { app } = await appWithRoutes(other);
      apps.push(app);
      const token = await adminToken(other);
      for (const id of Object.values(ids)) {
        const test = await app.inject({
          method: 'POST',
          url: `/api/v1/connections/${id}/test`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(test.statusCode, test.body).toBe(200);
        expect(test.json().test.outcome).not.toBe('ok');
        expect(leaked(test.body, encodings())).toEqual([]);
      }
      const body = '{"event":"stock.changed","items":[]}';
      const webhook = await app.inject({
        method: 'POST',
        url: `/webhooks/erp/${ids.erp}`,
        headers: {
          'content-type': 'application/json',
          'x-stockbridge-event-id': 'k-1',
          'x-stockbridge-signature': sign(body, secrets.erpWebhookSecret),
        },
        payload: body,
      });
      expect(webhook.statusCode).toBe(503);
      expect(await other.prisma.inboxEvent.count({ where: { connectionId: ids.erp } })).toBe(0);
      expect(leaked(other.logs.text(), encodings())).toEqual([]);
    } finally {
      await dropQueuePrefix(other);
      await other.close();
    }
  });
});
