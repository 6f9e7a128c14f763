// The world around a host, the same for every implementation: the host's uplink (eth0) to a simulated
// internet that plays the ISP gateway, owns the public host (8.8.8.8) and an outside client, routes like a
// router, and has no route to any private network, like the real one; in both families.
export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** The world's own addresses in one family. */
export interface WorldAddresses {
  /** the host's uplink address and prefix: 172.31.8.154/20, 2001:db8:31::8:154/64 */
  uplinkAddress: string;
  /** the host's default gateway, the internet's end of the uplink */
  gateway: string;
  /** answers ping and runs the responder on port 80 */
  publicHost: string;
  outsideClient: string;
  /** a machine on the uplink's network that routes private networks (IPv6: ULAs, fd00::/8) to the host */
  neighbour: string;
}

/**
 * The IPv6 world, the same on every run (issue 23's contract: users' scripts are written against these). The
 * internet has no route to any ULA, as it has none to private IPv4 networks.
 */
export const WORLD_IPV6: WorldAddresses = {
  uplinkAddress: '2001:db8:31::8:154/64',
  gateway: '2001:db8:31::1',
  publicHost: '2001:4860:4860::8888',
  outsideClient: '2001:db8:100::7',
  neighbour: '2001:db8:31::9',
};
/** what the neighbour routes to the host in IPv6: the unique local addresses */
export const ULA_PREFIX = 'fd00::/8';

export interface World {
  /** the host's uplink: eth0 172.31.8.154/20, default via 172.31.0.1 */
  uplink: { name: string; address: string; gateway: string };
  /**
   * the internet's namespace inside the host, its end of the uplink, and the addresses it owns on lo; the
   * neighbour is a machine on the host's own LAN (on-link, 172.31.0.9) that routes private networks, even
   * 127.0.0.0/8, to the host: the attacker of moby#45610, that Docker 28 closes with raw PREROUTING drops
   */
  internet: { namespace: string; link: string; publicHost: string; outsideClient: string; neighbour: string };
  /** the same world's IPv6 addresses, on the same links and namespaces */
  ipv6: WorldAddresses;
  /** the families it is built in and judged in: IPv4, and IPv6 when the run asks (NETNS_FAMILIES) */
  families: readonly Family[];
}

/**
 * The world alone, whatever else the object it comes in carries (a guide topology's bridge and namespaces), in
 * the families a run judges: what an implementation other than the guide builds on, and what the properties
 * are judged in.
 */
export function worldOnly({ uplink, internet, ipv6 }: World, families: readonly Family[] = ['ipv4']): World {
  return { uplink, internet, ipv6, families };
}

/** The world's addresses in a family: tables and checks written once for both. */
export function worldIn(world: World, family: Family): WorldAddresses {
  if (family === 'ipv6') return world.ipv6;
  const { uplink, internet } = world;
  return { uplinkAddress: uplink.address, gateway: uplink.gateway, ...pick(internet) };
}

const pick = ({ publicHost, outsideClient, neighbour }: World['internet']) => ({
  publicHost,
  outsideClient,
  neighbour,
});

/** The family an address is written in. */
export const familyOf = (address: string): Family => (address.includes(':') ? 'ipv6' : 'ipv4');

/**
 * The world as a probe of one family sees it: its IPv4-named fields (uplink, internet) hold that family's
 * addresses, so that what reasons about one probe (the diagnosis) reads the same in both families.
 */
export function worldAs(world: World, family: Family): World {
  if (family === 'ipv4') return world;
  const { uplinkAddress: address, gateway, publicHost, outsideClient, neighbour } = world.ipv6;
  return {
    ...world,
    uplink: { ...world.uplink, address, gateway },
    internet: { ...world.internet, publicHost, outsideClient, neighbour },
  };
}

/** The host's public address, without its prefix: 172.31.8.154 (2001:db8:31::8:154 in IPv6). */
export function uplinkAddress(world: World, family: Family = 'ipv4'): string {
  return worldIn(world, family).uplinkAddress.split('/')[0]!;
}
