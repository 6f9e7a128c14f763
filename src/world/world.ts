// The world around a host, the same for every implementation: the host's uplink (eth0) to a simulated
// internet that plays the ISP gateway, owns the public host (8.8.8.8) and an outside client, routes like a
// router, and has no route to any private network, like the real one.
export interface World {
  /** the host's uplink: eth0 172.31.8.154/20, default via 172.31.0.1 */
  uplink: { name: string; address: string; gateway: string };
  /**
   * the internet's namespace inside the host, its end of the uplink, and the addresses it owns on lo; the
   * neighbour is a machine on the host's own LAN (on-link, 172.31.0.9) that routes private networks, even
   * 127.0.0.0/8, to the host: the attacker of moby#45610, that Docker 28 closes with raw PREROUTING drops
   */
  internet: { namespace: string; link: string; publicHost: string; outsideClient: string; neighbour: string };
}

/**
 * The world alone, whatever else the object it comes in carries (a guide topology's bridge and namespaces):
 * what an implementation other than the guide builds on, and what the properties are judged in.
 */
export function worldOnly({ uplink, internet }: World): World {
  return { uplink, internet };
}

/** The host's public address, without its prefix: 172.31.8.154. */
export function uplinkAddress(world: World): string {
  return world.uplink.address.split('/')[0]!;
}
