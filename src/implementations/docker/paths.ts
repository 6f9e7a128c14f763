// Where Docker's versions promise different things, as data: each path names the versions an expectation
// applies to, and why. They are judged with property 4 (inbound), next to the checks every implementation gets,
// and served by its responder in `web`; in each family the run judges, where the path exists in it (127.0.0.1 has
// no twin a neighbour could route to: ::1 never crosses a wire).
//
// What decides them (FACTS.md, moby's release notes): with userland-proxy on (the default) docker-proxy serves
// host-local clients and connects from the bridge's gateway; DNAT keeps a remote client's address; before 28.0
// nothing stopped a LAN neighbour from routing to a container's address, or to a port published on 127.0.0.1
// (moby#45610); 28.0 drops both in raw PREROUTING (moby#48721), in ip6tables' raw table too.
import type { RuleRef } from '../../evidence/counters.ts';
import { iptablesIn } from '../../net/firewall.ts';
import type { OutcomeKind, ProbeSpec } from '../../probes/outcome.ts';
import { http } from '../../probes/probe.ts';
import type { Check } from '../../properties/properties.ts';
import { rolesAs, workloadByLabel, type Roles, type Workload } from '../../roles/roles.ts';
import { familyOf, uplinkAddress, worldAs, type Family, type World } from '../../world/world.ts';
import { LOOPBACK_PUBLISHED, PUBLISHED } from '../container-engine.ts';
import { DOCKER_IPTABLES, type DockerVersion } from './versions.ts';

type Party = 'gateway' | 'neighbour' | 'uplink';

interface Expectation {
  versions: readonly DockerVersion[];
  expect: OutcomeKind;
  /** who the server must say it saw */
  seenAs?: Party;
  /** the rule that must count the dropped packets */
  droppedBy?: (server: Workload) => Omit<RuleRef, 'iptables'>;
  because: string;
}

interface DockerPath {
  /** server and world in the family judged: their addresses of that family */
  probe: (server: Workload, world: World) => ProbeSpec;
  expectations: readonly Expectation[];
  /** the families it exists in; all when absent */
  families?: readonly Family[];
}

const fromHost = { fromLabel: 'host' };
/** the host's loopback in the world's family */
const loopback = (world: World) => (familyOf(uplinkAddress(world)) === 'ipv6' ? '::1' : '127.0.0.1');
/** a route to one address, as iptables-save prints it: 172.17.0.2/32, fd00:172:17::2/128 */
const onlyAddress = (address: string) => `${address}/${familyOf(address) === 'ipv6' ? 128 : 32}`;
const fromNeighbour = (world: World) => ({ source: world.internet.neighbour, fromLabel: 'neighbour' });

/**
 * A path a LAN neighbour could take before 28.0 (the server sees the neighbour), and that 28.0 closes with a raw
 * PREROUTING DROP matching `match`, whose counter must move.
 */
function openUntil28(open: string, match: (server: Workload) => string[], closed: string): Expectation[] {
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

export const DOCKER_PATHS: readonly DockerPath[] = [
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
    probe: (server, world) =>
      http(world.internet.namespace, server.address, PUBLISHED.targetPort, fromNeighbour(world)),
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

/**
 * The checks of one Docker version, for property 4, in each family the world is built in; each one's reason
 * names the versions it applies to.
 */
export function dockerChecks(version: DockerVersion, roles: Roles, world: World): Check[] {
  return world.families.flatMap((family) => checksIn(version, rolesAs(roles, family), worldAs(world, family), family));
}

function checksIn(version: DockerVersion, roles: Roles, world: World, family: Family): Check[] {
  const server = workloadByLabel(roles, roles.published!.workload);
  // a container without an address of this family: its property-4 rows skip, saying so
  if (!server.address) return [];
  const parties: Record<Party, string> = {
    gateway: roles.gateway,
    neighbour: world.internet.neighbour,
    uplink: uplinkAddress(world),
  };
  return DOCKER_PATHS.flatMap((path) => {
    const expectation = path.expectations.find((candidate) => candidate.versions.includes(version));
    if (!expectation || !(path.families ?? [family]).includes(family)) return [];
    const { expect, seenAs, droppedBy, because, versions } = expectation;
    return [
      {
        property: '4-inbound' as const,
        family,
        probe: path.probe(server, world),
        expect,
        ...(seenAs ? { seenAs: parties[seenAs] } : {}),
        ...(droppedBy ? { droppedBy: { iptables: iptablesIn(DOCKER_IPTABLES, family), ...droppedBy(server) } } : {}),
        because: `Docker ${versions.join(', ')}: ${because}`,
      },
    ];
  });
}
