import { describe, expect, it } from 'vitest';
import { createEndpointGuard, EndpointRefusedError, isPrivateAddress, type Lookup } from '../../src/connections/endpoint-guard.js';

const fakeDns =
  (table: Record<string, string[]>): Lookup =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw new Error('ENOTFOUND');
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const dns = fakeDns({
  'shop.example.com': ['93.184.216.34'],
  'rebind.example.com': ['93.184.216.34', '10.0.0.5'],
  'internal.example.com': ['192.168.1.10'],
  'metadata.example.com': ['169.254.169.254'],
  'v6local.example.com': ['fd00::1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
});

describe('endpoint guard (SSRF)', () => {
  const guard = createEndpointGuard({ allowPrivate: false, lookup: dns });

  it.each([
    ['http://127.0.0.1:8080/', /private or loopback/],
    ['http://localhost/', /does not resolve|private/],
    ['http://[::1]:3000/', /private or loopback/],
    ['http://10.1.2.3/', /private or loopback/],
    ['http://172.20.0.1/', /private or loopback/],
    ['http://192.168.0.1/', /private or loopback/],
    ['http://169.254.169.254/latest/meta-data/', /private or loopback/],
    ['http://metadata.example.com/', /169\.254\.169\.254/],
    ['https://internal.example.com/', /192\.168\.1\.10/],
    ['https://rebind.example.com/', /10\.0\.0\.5/],
    ['https://v6local.example.com/', /fd00::1/],
    ['https://mapped.example.com/', /::ffff:127\.0\.0\.1/],
    ['http://0.0.0.0/', /private or loopback/],
    ['file:///etc/passwd', /scheme file: is not allowed/],
    ['gopher://shop.example.com/', /scheme gopher: is not allowed/],
    ['https://user:pass@shop.example.com/', /credentials in the URL/],
    ['not a url', /not a valid URL/],
    ['https://nonexistent.example.com/', /does not resolve/],
  ])('refuses %s', async (url, reason) => {
    const decision = await guard.check(url);
    expect(decision.outcome).toBe('refused');
    if (decision.outcome === 'refused') expect(decision.reason).toMatch(reason);
  });

  it('allows a public HTTPS host', async () => {
    const decision = await guard.check('https://shop.example.com/wp-json');
    expect(decision).toMatchObject({ outcome: 'allowed', addresses: ['93.184.216.34'] });
  });

  it('allows private addresses only when ALLOW_PRIVATE_ENDPOINTS is on', async () => {
    const open = createEndpointGuard({ allowPrivate: true, lookup: dns });
    expect((await open.check('http://127.0.0.1:4010')).outcome).toBe('allowed');
    expect((await open.check('file:///etc/passwd')).outcome).toBe('refused');
  });

  it('guarded fetch re-checks at request time and never follows redirects', async () => {
    const calls: RequestInit[] = [];
    const fetchImpl = (async (_input: string | URL | Request, init?: RequestInit) => {
      calls.push(init ?? {});
      return new Response('ok');
    }) as typeof fetch;
    const guarded = guard.guardFetch(fetchImpl);
    await expect(guarded('http://169.254.169.254/')).rejects.toBeInstanceOf(EndpointRefusedError);
    expect(calls).toHaveLength(0);
    await guarded('https://shop.example.com/x');
    expect(calls[0]?.redirect).toBe('manual');
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('fe80::1')).toBe(true);
    expect(isPrivateAddress('nonsense')).toBe(true);
  });
});
