// The world around a host, the same for every implementation: the host's uplink (eth0) to a simulated
// internet that plays the ISP gateway, owns the public host (8.8.8.8) and an outside client, routes like a
// router, and has no route to any private network, like the real one.
export interface World {
  /** the host's uplink: eth0 172.31.8.154/20, default via 172.31.0.1 */
  uplink: { name: string; address: string; gateway: string };
  /** the internet's namespace inside the host, its end of the uplink, and the addresses it owns on lo */
  internet: { namespace: string; link: string; publicHost: string; outsideClient: string };
}

/** The host's public address, without its prefix: 172.31.8.154. */
export function uplinkAddress(world: World): string {
  return world.uplink.address.split('/')[0]!;
}
