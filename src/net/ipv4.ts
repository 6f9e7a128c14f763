// IPv4 addresses and prefixes, read by Node's own parser (node:net) so that the harness and iproute2 never
// disagree: "10.0.0.010" (which `ip` reads as octal .8) is rejected, not silently taken as .10.
import { BlockList, isIPv4 } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
}

export function isIpv4(text: string): boolean {
  return isIPv4(text);
}

export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split('/');
  if (rest.length || address === undefined || !isIPv4(address) || !/^\d{1,2}$/.test(prefixText ?? '')) return undefined;
  const prefix = Number(prefixText);
  return prefix > 32 ? undefined : { address, prefix };
}

/** The network a CIDR belongs to, as "a.b.c.d/p" (192.168.0.1/16 -> 192.168.0.0/16). */
export function networkOf(cidr: Cidr): string {
  const value = cidr.address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${cidr.prefix}`;
}

export function contains(network: Cidr, address: string): boolean {
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, 'ipv4'); // the host bits of a subnet's address are ignored
  return list.check(address, 'ipv4');
}
