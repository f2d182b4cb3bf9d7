import { describe, expect, it } from 'vitest';
import { CredentialsKeyError, createCredentialsCipher } from '../../src/crypto/credentials-cipher.js';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);

describe('credentials cipher (AES-256-GCM)', () => {
  it('round-trips and never stores the plaintext', () => {
    const cipher = createCredentialsCipher({ key: keyA, keyId: 'a' });
    const encrypted = cipher.encrypt({ accessToken: 'shpat_secret_value' });
    expect(encrypted.keyId).toBe('a');
    expect(Buffer.from(encrypted.ciphertext).toString('latin1')).not.toContain('shpat_secret_value');
    expect(cipher.decrypt(encrypted)).toEqual({ accessToken: 'shpat_secret_value' });
  });

  it('uses a fresh IV each time', () => {
    const cipher = createCredentialsCipher({ key: keyA, keyId: 'a' });
    const one = Buffer.from(cipher.encrypt({ x: 1 }).ciphertext);
    const two = Buffer.from(cipher.encrypt({ x: 1 }).ciphertext);
    expect(one.equals(two)).toBe(false);
  });

  it('detects tampering', () => {
    const cipher = createCredentialsCipher({ key: keyA, keyId: 'a' });
    const encrypted = cipher.encrypt({ x: 1 });
    const bytes = Buffer.from(encrypted.ciphertext);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt({ ciphertext: bytes, keyId: 'a' })).toThrow();
  });

  it('reads values under an old key after rotation, and names a missing key', () => {
    const old = createCredentialsCipher({ key: keyA, keyId: 'a' }).encrypt({ v: 'old' });
    const rotated = createCredentialsCipher({ key: keyB, keyId: 'b', oldKeys: new Map([['a', keyA]]) });
    expect(rotated.decrypt(old)).toEqual({ v: 'old' });
    expect(rotated.encrypt({}).keyId).toBe('b');
    const withoutOld = createCredentialsCipher({ key: keyB, keyId: 'b' });
    expect(() => withoutOld.decrypt(old)).toThrow(CredentialsKeyError);
  });
});
