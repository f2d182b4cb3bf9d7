// SSRF guard for every URL a merchant can type (shop base URL, WooCommerce site, ERP base URL).
// A connection test makes the server call that URL, so without this an admin form could reach
// the cloud metadata service or anything on the private network. Names are resolved and every
// address checked, at save time and again at request time (DNS can change between the two).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type EndpointRefusal = { outcome: 'refused'; reason: string };
export type EndpointDecision = { outcome: 'allowed'; url: URL; addresses: string[] } | EndpointRefusal;

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Loopback, private, link-local (incl. 169.254.169.254 metadata), CGNAT, unspecified, multicast, ULA. */
function createPrivateRanges(): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
    ['64:ff9b::', 96],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
}

const PRIVATE = createPrivateRanges();

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) and IPv4-compatible forms hide an IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return PRIVATE.check(address, 'ipv4');
}

export type EndpointGuardOptions = { allowPrivate: boolean; lookup?: Lookup };

export type EndpointGuard = {
  check(rawUrl: string): Promise<EndpointDecision>;
  /** fetch that re-checks the host on every call and never follows redirects. */
  guardFetch(fetchImpl: typeof globalThis.fetch): typeof globalThis.fetch;
};

export class EndpointRefusedError extends Error {
  readonly code = 'ENDPOINT_REFUSED';
  constructor(readonly reason: string) {
    super(`endpoint refused: ${reason}`);
    this.name = 'EndpointRefusedError';
  }
}

export function createEndpointGuard(options: EndpointGuardOptions): EndpointGuard {
  const lookup = options.lookup ?? defaultLookup;
  const check = async (rawUrl: string): Promise<EndpointDecision> => {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { outcome: 'refused', reason: 'not a valid URL' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { outcome: 'refused', reason: `scheme ${url.protocol} is not allowed` };
    if (url.username || url.password) return { outcome: 'refused', reason: 'credentials in the URL are not allowed' };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host)).map((entry) => entry.address);
    } catch {
      return { outcome: 'refused', reason: `${host} does not resolve` };
    }
    if (addresses.length === 0) return { outcome: 'refused', reason: `${host} does not resolve` };
    const blocked = addresses.filter(isPrivateAddress);
    if (blocked.length > 0 && !options.allowPrivate) {
      return {
        outcome: 'refused',
        reason: `${host} resolves to a private or loopback address (${blocked[0]}); set ALLOW_PRIVATE_ENDPOINTS=true to allow it`,
      };
    }
    return { outcome: 'allowed', url, addresses };
  };
  return {
    check,
    guardFetch(fetchImpl) {
      return async (input, init) => {
        const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const decision = await check(target);
        if (decision.outcome === 'refused') throw new EndpointRefusedError(decision.reason);
        // A redirect could point anywhere, including the addresses refused above.
        return fetchImpl(input, { ...init, redirect: 'manual' });
      };
    },
  };
}
