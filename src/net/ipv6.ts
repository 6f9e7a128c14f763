// IPv6 addresses and prefixes, read by Node's own parser (node:net), as ipv4.ts reads IPv4: what the harness
// accepts, iproute2 reads the same way. Only the plain hex form: an IPv4 tail (::ffff:1.2.3.4) has no place in
// a topology.
import { BlockList, isIPv6 } from 'node:net';
import type { Cidr } from './ipv4.ts';

export function parseCidr6(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split('/');
  if (rest.length || address === undefined || !isIPv6(address) || address.includes('.')) return undefined;
  if (!/^\d{1,3}$/.test(prefixText ?? '')) return undefined;
  const prefix = Number(prefixText);
  return prefix > 128 ? undefined : { address, prefix };
}

/** The address as a 128-bit number. */
function valueOf(address: string): bigint {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...(tail === undefined ? [] : Array(missing).fill('0')), ...groups(tail)];
  return all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** The shortest text of a 128-bit number (RFC 5952: the longest run of zero groups, if two or more, is ::). */
function textOf(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  let best = { at: -1, length: 1 };
  for (let at = 0; at < 8; at++) {
    let length = 0;
    while (at + length < 8 && groups[at + length] === 0) length++;
    if (length > best.length) best = { at, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

/** The network a CIDR belongs to (fd00:192:168::1/64 -> fd00:192:168::/64). */
export function networkOf6(cidr: Cidr): string {
  const mask = cidr.prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - cidr.prefix)) - 1n);
  return `${textOf(valueOf(cidr.address) & mask)}/${cidr.prefix}`;
}

export function contains6(network: Cidr, address: string): boolean {
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, 'ipv6');
  return list.check(address, 'ipv6');
}
