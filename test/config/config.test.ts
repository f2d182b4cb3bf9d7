import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('gives local defaults from the spec when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/stockbridge');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.env).toBe('development');
    expect(config.endpoints.allowPrivate).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://nope', LOG_LEVEL: 'loud', WORKER_CONCURRENCY: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL', 'WORKER_CONCURRENCY']) expect(problems).toContain(name);
    expect((error as ConfigError).message).toMatch(/Invalid configuration/);
  });

  it('requires ENCRYPTION_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY: required when NODE_ENV=production/);
  });

  it('refuses an encryption key that is not 32 bytes', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/ENCRYPTION_KEY/);
  });

  it('accepts a proper production configuration and disables base-URL overrides there', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: key, ENCRYPTION_KEY_ID: 'k2' });
    expect(config.encryption.key?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(config.encryption.keyId).toBe('k2');
    expect(config.endpoints.allowBaseUrlOverride).toBe(false);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).toBe(3000);
  });

  it('rejects malformed old keys', () => {
    expect(() => loadConfig({ ENCRYPTION_OLD_KEYS: 'k0:short' })).toThrow(/ENCRYPTION_OLD_KEYS/);
  });
});
