// Credentials at rest: AES-256-GCM with a random 96-bit IV per value. The stored blob is
// iv(12) | tag(16) | ciphertext; the key id is stored beside it so keys can be rotated.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class CredentialsKeyError extends Error {
  readonly code = 'CREDENTIALS_KEY_UNKNOWN';
  constructor(keyId: string) {
    super(`no encryption key with id "${keyId}" is configured (ENCRYPTION_KEY / ENCRYPTION_OLD_KEYS)`);
    this.name = 'CredentialsKeyError';
  }
}

export type EncryptedValue = { ciphertext: Uint8Array<ArrayBuffer>; keyId: string };

export type CredentialsCipher = {
  readonly currentKeyId: string;
  encrypt(value: unknown): EncryptedValue;
  decrypt<T = unknown>(encrypted: { ciphertext: Uint8Array; keyId: string }): T;
  /** The same, for a stored connection row. */
  decryptStored<T = unknown>(row: { credentials: Uint8Array; credentialsKeyId: string }): T;
};

export function createCredentialsCipher(options: { key: Buffer; keyId: string; oldKeys?: ReadonlyMap<string, Buffer> }): CredentialsCipher {
  const keys = new Map(options.oldKeys ?? []);
  keys.set(options.keyId, options.key);
  return {
    currentKeyId: options.keyId,
    encrypt(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', options.key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      const blob = Buffer.concat([iv, cipher.getAuthTag(), body]);
      return { ciphertext: new Uint8Array(blob), keyId: options.keyId };
    },
    decryptStored<T>(row: { credentials: Uint8Array; credentialsKeyId: string }): T {
      return this.decrypt<T>({ ciphertext: row.credentials, keyId: row.credentialsKeyId });
    },
    decrypt<T>(encrypted: { ciphertext: Uint8Array; keyId: string }): T {
      const key = keys.get(encrypted.keyId);
      if (!key) throw new CredentialsKeyError(encrypted.keyId);
      const blob = Buffer.from(encrypted.ciphertext);
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(12, 28));
      const text = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as T;
    },
  };
}
