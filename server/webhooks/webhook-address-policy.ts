// SSRF protection for outbound webhooks: a delivery never connects to loopback, private, CGNAT,
// link-local (cloud metadata at 169.254.169.254), multicast, reserved or unspecified addresses, nor
// to IPv6 unique-local, link-local, IPv4-mapped/translated or documentation ranges — unless the
// organization allows private targets in its settings. The check runs on the RESOLVED address at
// connect time (a custom `lookup` on the request), so DNS rebinding cannot slip past a check made
// earlier; an IP literal in the URL is checked before connecting, since Node does not look it up.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// Two lists: BlockList matches IPv4 addresses against IPv6 rules as IPv4-mapped, so one list
// holding ::ffff:0:0/96 would refuse every IPv4 address.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) blockedV4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) blockedV6.addSubnet(net, prefix, 'ipv6');

/** Why a delivery may not go to `address` (an IP), or null when it is a public address. */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 4 ? blockedV4.check(address, 'ipv4') : blockedV6.check(address, 'ipv6')) {
    return `${address} is a loopback, private, link-local, multicast or otherwise reserved address`;
  }
  return null;
}

/** The hostname of a URL as Node connects to it ("[::1]" → "::1"). */
export function connectHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export class ForbiddenTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenTargetError';
  }
}

/**
 * A `lookup` for http(s).request that resolves as usual and refuses a connection when any address
 * the name resolves to is forbidden (all of them are checked: a client may try each in turn).
 */
export function guardedLookup(): LookupFunction {
  return ((hostname: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...(options as object), all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as LookupAddress[];
      const bad = list.map((a) => forbiddenAddressReason(a.address)).find((r) => r !== null);
      if (bad) return callback(Object.assign(new ForbiddenTargetError(`${hostname} resolves to ${bad}`), { code: 'EFORBIDDENTARGET' }), '', 4);
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}

/** Resolves a hostname now (registration-time feedback); the connect-time check is the one that counts. */
export async function resolveForbiddenReason(hostname: string): Promise<string | null> {
  if (isIP(hostname)) return forbiddenAddressReason(hostname);
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(hostname, { all: true }, (e, a) => (e ? reject(e) : resolve(a))));
  for (const a of addresses) {
    const reason = forbiddenAddressReason(a.address);
    if (reason) return `${hostname} resolves to ${reason}`;
  }
  return null;
}
