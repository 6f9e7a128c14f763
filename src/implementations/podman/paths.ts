// Where rootful Podman with netavark does things of its own, beside the four properties, as data
// (engine-paths.ts says how paths are judged): what a host-local client and a LAN neighbour reach through its
// published ports and its network. Measured on Debian's 4.3 (netavark 1.4), 5.4 (1.14) and 5.8 (1.17), with
// each netavark driver the cell picks; the reasons are netavark's rules as the golden files show them.
import { http } from '../../probes/probe.ts';
import { fromNeighbour, type Check } from '../../properties/properties.ts';
import type { ForeignFirewallClaim, Hairpin, Roles } from '../../roles/roles.ts';
import { uplinkAddress, type World } from '../../world/world.ts';
import { LOOPBACK_PUBLISHED, PUBLISHED } from '../container-engine.ts';
import { engineChecks, fromHost, loopback, neighbourToServer, type EnginePath } from '../engine-paths.ts';
import { PODMAN_VERSIONS } from './versions.ts';

type PodmanVersion = keyof typeof PODMAN_VERSIONS & string;
const EVERY: readonly PodmanVersion[] = ['4.3', '5.4', '5.8'];

export const PODMAN_PATHS: readonly EnginePath<PodmanVersion>[] = [
  {
    families: ['ipv4'],
    probe: (_server, world) => http(undefined, loopback(world), PUBLISHED.port, fromHost),
    expectations: [
      {
        versions: EVERY,
        expect: 'reachable',
        seenAs: 'gateway',
        because:
          'no userland proxy: nat OUTPUT DNATs a host-local client, and a client from 127.0.0.1 is marked and ' +
          'masqueraded to the bridge gateway (NETAVARK-HOSTPORT-SETMARK)',
      },
    ],
  },
  {
    probe: (_server, world) => http(undefined, uplinkAddress(world), PUBLISHED.port, fromHost),
    expectations: [
      {
        versions: EVERY,
        expect: 'reachable',
        seenAs: 'uplink',
        because: "nat OUTPUT DNATs the host's own address too, and nothing masquerades it: the server sees it",
      },
    ],
  },
  {
    probe: (server, world) => neighbourToServer(server, world, PUBLISHED.targetPort),
    expectations: [
      {
        versions: EVERY,
        expect: 'reachable',
        seenAs: 'neighbour',
        because:
          "netavark accepts what is forwarded to its network's addresses and drops nothing from other links: a LAN " +
          'neighbour with a route reaches a container directly, as Docker did before 28.0',
      },
    ],
  },
  {
    families: ['ipv4'],
    probe: (_server, world) =>
      http(world.internet.namespace, LOOPBACK_PUBLISHED.address, LOOPBACK_PUBLISHED.port, fromNeighbour(world)),
    expectations: [
      {
        versions: EVERY,
        expect: 'reachable',
        seenAs: 'neighbour',
        because:
          'a port published on 127.0.0.1 is DNATed in nat PREROUTING for any local destination, before the kernel ' +
          'would drop 127.0.0.1 from a wire as martian: a LAN neighbour that routes 127.0.0.1 to the host reaches ' +
          'it, as Docker before 28.0 (the mechanism of moby#41872 and moby#45610)',
      },
    ],
  },
  {
    probe: (_server, world) =>
      http(world.internet.namespace, uplinkAddress(world), LOOPBACK_PUBLISHED.port, fromNeighbour(world)),
    expectations: [
      {
        versions: EVERY,
        expect: 'refused',
        because: 'a port published on 127.0.0.1 is not published on the uplink address',
      },
    ],
  },
];

/** The checks of one Podman version, for property 4, in each family the world is built in. */
export function podmanChecks(version: PodmanVersion, roles: Roles, world: World): Check[] {
  return engineChecks(PODMAN_PATHS, { engine: 'Podman', version, iptables: 'iptables-nft' }, roles, world);
}

/** Property 10 in every version judged, on netavark's iptables driver (measured: 4-inbound fails, 1 to 3 hold). */
export const PODMAN_FOREIGN: ForeignFirewallClaim = {
  keeps: [],
  why:
    "netavark's NETAVARK_FORWARD, jumped to from the top of FORWARD, accepts what its network sends and what " +
    'answers it, but not a new connection DNATed to a published port: 4-inbound relies on FORWARD accepting it. ' +
    "Another program's nft chain on the forward hook drops beside its iptables rules",
};

/** Property 7, the same in every version judged (either driver). */
export const PODMAN_HAIRPIN: Hairpin = {
  self: 'unreachable',
  peer: 'gateway',
  why:
    'netavark masquerades what reaches a published port from its own subnet (NETAVARK-HOSTPORT-SETMARK), but ' +
    "leaves hairpin_mode off on podman0's ports: the bridge does not send a container's DNATed frames back out " +
    'the port they came in on, so a container does not reach its own published port',
};
