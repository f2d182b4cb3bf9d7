// Key rotation: re-encrypt every stored credential under the current key. Run after setting the
// new ENCRYPTION_KEY / ENCRYPTION_KEY_ID and moving the previous key into ENCRYPTION_OLD_KEYS;
// once it reports zero remaining, the old key can be removed from the environment.
import type { PrismaClient } from '../db/client.js';
import type { CredentialsCipher } from './credentials-cipher.js';

export type RotationOutcome = { reEncrypted: number; alreadyCurrent: number; failed: { id: string; reason: string }[] };

export async function rotateCredentialKeys(deps: { prisma: PrismaClient; cipher: CredentialsCipher }): Promise<RotationOutcome> {
  const { prisma, cipher } = deps;
  const rows = await prisma.connection.findMany({ select: { id: true, credentials: true, credentialsKeyId: true } });
  const outcome: RotationOutcome = { reEncrypted: 0, alreadyCurrent: 0, failed: [] };
  for (const row of rows) {
    if (row.credentialsKeyId === cipher.currentKeyId) {
      outcome.alreadyCurrent += 1;
      continue;
    }
    try {
      const plain = cipher.decryptStored(row);
      const encrypted = cipher.encrypt(plain);
      // Only if nobody rewrote the row meanwhile (a concurrent credential change wins).
      const updated = await prisma.connection.updateMany({
        where: { id: row.id, credentialsKeyId: row.credentialsKeyId },
        data: { credentials: encrypted.ciphertext, credentialsKeyId: encrypted.keyId },
      });
      if (updated.count === 1) outcome.reEncrypted += 1;
      else outcome.alreadyCurrent += 1;
    } catch (error) {
      outcome.failed.push({ id: row.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcome;
}
