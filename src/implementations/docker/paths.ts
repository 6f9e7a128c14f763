// Where Docker's versions promise different things, as data (engine-paths.ts says how paths are judged).
//
// What decides them (FACTS.md, moby's release notes): with userland-proxy on (the default) docker-proxy serves
// host-local clients and connects from the bridge's gateway; DNAT keeps a remote client's address; before 28.0
// nothing stopped a LAN neighbour from routing to a container's address, or to a port published on 127.0.0.1
// (moby#45610); 28.0 drops both in raw PREROUTING (moby#48721), in ip6tables' raw table too.
import { fromNeighbour, type Check } from '../../properties/properties.ts';
import type { ForeignFirewallClaim, Hairpin, Roles } from '../../roles/roles.ts';
import type { World } from '../../world/world.ts';
import { LOOPBACK_PUBLISHED, PUBLISHED } from '../container-engine.ts';
import {
  engineChecks,
  fromHost,
  loopback,
  neighbourToServer,
  onlyAddress,
  type EnginePath,
  type Expectation,
} from '../engine-paths.ts';
import { http } from '../../probes/probe.ts';
import { uplinkAddress } from '../../world/world.ts';
import { DOCKER_IPTABLES, type DockerVersion } from './versions.ts';

/**
 * A path a LAN neighbour could take before 28.0 (the server sees the neighbour), and that 28.0 closes with a raw
 * PREROUTING DROP matching `match`, whose counter must move.
 */
function openUntil28(
  open: string,
  match: (server: { address: string }) => string[],
  closed: string,
): Expectation<DockerVersion>[] {
  return [
    { versions: ['20.10', '26.1'], expect: 'reachable', seenAs: 'neighbour', because: open },
    {
      versions: ['28.5'],
      expect: 'timeout',
      droppedBy: (server) => ({ table: 'raw', chain: 'PREROUTING', rule: [...match(server), '-j', 'DROP'] }),
      because: closed,
    },
  ];
}

export const DOCKER_PATHS: readonly EnginePath<DockerVersion>[] = [
  {
    probe: (_server, world) => http(undefined, loopback(world), PUBLISHED.port, fromHost),
    expectations: [
      {
        versions: ['20.10', '26.1', '28.5'],
        expect: 'reachable',
        seenAs: 'gateway',
        because:
          'a host-local client to the loopback address is served by docker-proxy (userland-proxy on), ' +
          'which connects from the bridge gateway',
      },
    ],
  },
  {
    probe: (_server, world) => http(undefined, uplinkAddress(world), PUBLISHED.port, fromHost),
    expectations: [
      {
        versions: ['20.10', '26.1', '28.5'],
        expect: 'reachable',
        seenAs: 'uplink',
        because:
          'a host-local client to its own uplink address is DNATed in nat OUTPUT ' +
          "(Docker's chain for local destinations) and keeps the source it already had, the uplink address: " +
          'nothing masquerades it',
      },
    ],
  },
  {
    probe: (server, world) => neighbourToServer(server, world, PUBLISHED.targetPort),
    expectations: openUntil28(
      'before 28.0 the DOCKER chain accepts forwarded packets to a published container port from any interface: ' +
        "a LAN neighbour with a route reaches the container's own address",
      (server) => ['-d', onlyAddress(server.address), '!', '-i', 'docker0'],
      "from 28.0 raw PREROUTING drops packets for a container's address that do not come from its bridge",
    ),
  },
  {
    families: ['ipv4'],
    probe: (_server, world) =>
      http(world.internet.namespace, LOOPBACK_PUBLISHED.address, LOOPBACK_PUBLISHED.port, fromNeighbour(world)),
    expectations: openUntil28(
      'before 28.0 a port published on 127.0.0.1 is DNATed in nat PREROUTING before the kernel drops 127.0.0.1 ' +
        'from a wire as martian: a LAN neighbour that routes 127.0.0.1 to the host reaches it (moby#45610)',
      () => [
        '-d',
        `${LOOPBACK_PUBLISHED.address}/32`,
        '!',
        '-i',
        'lo',
        '-p',
        'tcp',
        '--dport',
        String(LOOPBACK_PUBLISHED.port),
      ],
      'from 28.0 raw PREROUTING drops packets for a port published on 127.0.0.1 that do not come from lo',
    ),
  },
  {
    probe: (_server, world) =>
      http(world.internet.namespace, uplinkAddress(world), LOOPBACK_PUBLISHED.port, fromNeighbour(world)),
    expectations: [
      {
        versions: ['20.10', '26.1', '28.5'],
        expect: 'refused',
        because:
          'a port published on 127.0.0.1 is not published on the uplink address: nothing listens or forwards there',
      },
    ],
  },
];

/** Property 7 in every version judged: userland-proxy is on by default. */
export const DOCKER_HAIRPIN: Hairpin = {
  self: 'gateway',
  peer: 'gateway',
  why:
    "docker-proxy (userland-proxy on, the default) serves clients on docker0: Docker's DNAT skips packets from " +
    'docker0, and the proxy connects from the gateway',
};

/**
 * Property 7 with userland-proxy off (measured in every version judged): nothing proxies, so Docker's DNAT applies
 * to docker0's packets too; it masquerades a container's packets to its own published port and turns hairpin_mode
 * on for its bridge ports. A peer keeps its own address: the reply is un-NATed on the bridge (br_netfilter).
 */
export const DOCKER_HAIRPIN_NO_PROXY: Hairpin = {
  self: 'gateway',
  peer: 'client',
  why:
    "with userland-proxy off, Docker's DNAT takes docker0's packets too; a MASQUERADE for a container's own " +
    'published port and hairpin_mode on its bridge port bring its own back; a peer is only DNATed',
};

/** Property 10 in every version judged (measured; moby's TestDropInForwardChain checks the first). */
export const DOCKER_FOREIGN: ForeignFirewallClaim = {
  keeps: ['forward-drop-rule', 'forward-drop-policy'],
  why:
    'FORWARD jumps to its chains from the top (DOCKER-USER, DOCKER-FORWARD or DOCKER-ISOLATION and DOCKER), which ' +
    "accept its containers' traffic before another rule or the policy; it sets FORWARD's policy to DROP itself. " +
    "Another program's nft chain on the forward hook drops beside its iptables rules",
};

/** The checks of one Docker version, for property 4, in each family the world is built in. */
export function dockerChecks(version: DockerVersion, roles: Roles, world: World): Check[] {
  return engineChecks(DOCKER_PATHS, { engine: 'Docker', version, iptables: DOCKER_IPTABLES }, roles, world);
}
