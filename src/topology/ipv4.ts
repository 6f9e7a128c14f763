// IPv4 addresses and prefixes as numbers, for the topology's consistency checks.

export interface Cidr {
  address: string;
  prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | undefined {
  const match = OCTETS.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split('/');
  const prefix = Number(prefixText);
  if (rest.length || address === undefined || parseIpv4(address) === undefined) return undefined;
  if (!/^\d{1,2}$/.test(prefixText ?? '') || prefix > 32) return undefined;
  return { address, prefix };
}

/** The network a CIDR belongs to, as "a.b.c.d/p" (192.168.0.1/16 -> 192.168.0.0/16). */
export function networkOf(cidr: Cidr): string {
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  const network = (parseIpv4(cidr.address)! & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${cidr.prefix}`;
}

export function contains(network: Cidr, address: string): boolean {
  return networkOf(network) === networkOf({ address, prefix: network.prefix });
}
