import { expect } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createCredentialsCipher } from '../../src/crypto/credentials-cipher.js';
import { dbTest as test } from '../helpers/fixtures.js';

const oldKey = Buffer.alloc(32, 11);
const newKey = Buffer.alloc(32, 22);

test('keys rotate re-encrypts every credential under the new key, readable without the old one afterwards', async ({ database }) => {
  const before = createCredentialsCipher({ key: oldKey, keyId: 'k1' });
  const secrets = [
    { accessToken: 'shpat_aaa', webhookSecret: 'w1' },
    { consumerKey: 'ck_b', consumerSecret: 'cs_b', webhookSecret: 'w2' },
  ];
  for (const [index, credentials] of secrets.entries()) {
    const encrypted = before.encrypt(credentials);
    await database.prisma.connection.create({
      data: {
        kind: index === 0 ? 'shopify' : 'woocommerce',
        name: `c${index}`,
        credentials: encrypted.ciphertext,
        credentialsKeyId: encrypted.keyId,
      },
    });
  }
  const rotated = createCredentialsCipher({ key: newKey, keyId: 'k2', oldKeys: new Map([['k1', oldKey]]) });
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), readPassword: async () => '' };
  await runCli(['keys', 'rotate'], { databaseUrl: database.url, io, cipher: rotated });
  expect(lines[0]).toBe('re-encrypted 2, already current 0, failed 0');

  const newOnly = createCredentialsCipher({ key: newKey, keyId: 'k2' });
  const rows = await database.prisma.connection.findMany({ orderBy: { name: 'asc' } });
  expect(rows.map((row) => row.credentialsKeyId)).toEqual(['k2', 'k2']);
  expect(rows.map((row) => newOnly.decryptStored(row))).toEqual(secrets);

  lines.length = 0;
  await runCli(['keys', 'rotate'], { databaseUrl: database.url, io, cipher: rotated });
  expect(lines[0]).toBe('re-encrypted 0, already current 2, failed 0');
});

test('keys rotate without the old key reports what it could not read and fails', async ({ database }) => {
  const stranger = createCredentialsCipher({ key: Buffer.alloc(32, 99), keyId: 'lost' }).encrypt({ apiKey: 'x' });
  await database.prisma.connection.create({
    data: { kind: 'erp', name: 'orphan', credentials: stranger.ciphertext, credentialsKeyId: 'lost' },
  });
  const lines: string[] = [];
  const cipher = createCredentialsCipher({ key: newKey, keyId: 'k2' });
  await expect(
    runCli(['keys', 'rotate'], { databaseUrl: database.url, io: { out: (l) => lines.push(l), readPassword: async () => '' }, cipher }),
  ).rejects.toThrow(/could not be decrypted/);
  expect(lines.join('\n')).toMatch(/no encryption key with id "lost"/);
  const row = await database.prisma.connection.findFirstOrThrow({ where: { name: 'orphan' } });
  expect(row.credentialsKeyId).toBe('lost');
});
