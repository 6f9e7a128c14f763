// The properties as expectation tables computed from roles and the world alone, one per address family: the
// same tables judge the guide, a user's script, Docker's engine, in IPv4 and IPv6. "Must not reach" is an
// expected outcome like any other. The guide's four hold for every implementation; the others are judged where an
// implementation claims them in its roles, and skip with that reason elsewhere.
import type { Served } from '../probes/batch.ts';
import { http, ping, udp } from '../probes/probe.ts';
import type { RuleRef } from '../evidence/counters.ts';
import type { OutcomeKind, ProbeSpec } from '../probes/outcome.ts';
import {
  portsOf,
  rolesAs,
  workloadByLabel,
  type HairpinSource,
  type Network,
  type Published,
  type Roles,
  type Workload,
} from '../roles/roles.ts';
import { uplinkAddress, worldAs, type Family, type World } from '../world/world.ts';

export const PROPERTIES = {
  '1-bridge': 'each workload reaches the gateway and every other workload',
  '2-host': "each workload reaches the host's uplink address, and the host reaches each workload",
  '3-egress':
    "each workload reaches 8.8.8.8, which sees the host's uplink address; the internet has no route back to a workload",
  '4-inbound':
    "the outside client reaches the published port, and the server sees the client's own address; " +
    "the workload's own address is not reachable from outside",
  '5-isolation':
    "a second network's workloads and the first's do not reach each other, and with inter-workload traffic off a " +
    "network's workloads do not reach each other; each still reaches its gateway and the internet",
  '6-internal':
    'the workloads of a network marked internal reach each other, but not the internet, and a LAN neighbour that ' +
    'routes to them does not reach them',
  '7-hairpin':
    "each workload reaches the published port through the host's uplink address, its own and its peer's, and the " +
    'server sees the source the implementation claims; a port not published is refused',
  '8-udp':
    "the outside client reaches the published UDP port, and the server sees the client's own address; " +
    'a UDP port not published is refused by the host',
} as const;

export type PropertyId = keyof typeof PROPERTIES;
export const PROPERTY_IDS = Object.keys(PROPERTIES) as PropertyId[];
/** the guide's four, which every implementation is held to */
export const CORE_PROPERTY_IDS = ['1-bridge', '2-host', '3-egress', '4-inbound'] as const satisfies PropertyId[];

/**
 * Judged by the host's state, not by probes: its workloads removed as its users remove them (docker rm, podman rm,
 * CNI DEL, lxc-net stop), the host compared with its state before set-up.
 */
export const LIFECYCLE_PROPERTY = '9-lifecycle';
/**
 * Judged by the four's tables again, beside another program's firewall (src/world/foreign-firewall.ts): kept, or
 * broken with the diagnosis naming that firewall, as the implementation claims in its roles.
 */
export const FOREIGN_PROPERTY = '10-foreign-firewall';
/** what NETNS_PROPERTIES may name */
export const SELECTABLE_PROPERTIES = [...PROPERTY_IDS, LIFECYCLE_PROPERTY, FOREIGN_PROPERTY] as const;

/** Why the tables about a published port (4, 7) skip for an implementation that publishes none. */
const PUBLISHES_NONE = 'the implementation publishes no port (roles have no "published")';

/** A port the hairpin and UDP tables know nothing is published on (TCP, UDP): the host itself answers it. */
export const UNPUBLISHED_PORT = 8090;

/** How a property's name is followed in titles and messages: nothing in IPv4 (as before IPv6), " in IPv6". */
export const inFamily = (family: Family): string => (family === 'ipv6' ? ' in IPv6' : '');

/** Every property (of `properties`) in every family, in the order their tables are judged and reported. */
export const propertiesIn = (
  families: readonly Family[],
  properties: readonly PropertyId[] = PROPERTY_IDS,
): Array<{ property: PropertyId; family: Family }> =>
  properties.flatMap((property) => families.map((family) => ({ property, family })));

/** Where a responder must run for a check: the harness's own server, which reports the peer it saw. */
export type ResponderSpec = Served;

export interface Check {
  property: PropertyId;
  /** the family its probe speaks: the family of the table it is judged in */
  family: Family;
  probe: ProbeSpec;
  expect: OutcomeKind;
  /** the source address the far side must report (checks that probe a responder) */
  seenAs?: string;
  /** why this outcome is expected, in words, for the report */
  because: string;
  /**
   * a negative proven by evidence, not only by silence: the rule whose counter the probe must move, or any rule or
   * policy of the cell's firewall (ANY_DROP: the implementation's own, whichever it is, named in the row)
   */
  droppedBy?: RuleRef | typeof ANY_DROP;
  /** a known fault proven by the path: the request is captured arriving at this workload, which cannot answer */
  deliveredTo?: Workload;
}

export interface PropertyTable {
  property: PropertyId;
  family: Family;
  checks: Check[];
  responders: ResponderSpec[];
  /** set when the roles give this property nothing to judge: it is skipped with this reason */
  skip?: string;
}

/** A drop proven by whichever rule or policy of the cell's firewall counts the probe's packets. */
export const ANY_DROP = 'a rule or policy of the cell' as const;

/** The port of the responder that plays a web server on the public host (8.8.8.8). */
export const PUBLIC_HOST_PORT = 80;

/**
 * Up to this many workloads, property 1 pings every pair; beyond, each workload pings the next one round a ring.
 * Every workload's port still carries a probe out and one in, and the table grows with the workloads, not with
 * their square (1,000 workloads would be 999,000 pings).
 */
export const ALL_PAIRS_UP_TO = 16;

/** The workloads w must reach on the bridge: all others, or on a large bridge its successor round the ring. */
function peersOf(w: Workload, workloads: readonly Workload[]): Workload[] {
  if (workloads.length <= ALL_PAIRS_UP_TO) return workloads.filter((other) => other !== w);
  const next = workloads[(workloads.indexOf(w) + 1) % workloads.length]!;
  return [next];
}

/** Probes from a workload are named by its label in reports. */
const from = (workload: Workload) => ({ fromLabel: workload.label });
/** A probe from the LAN neighbour, which routes private networks to the host (the world in the probe's family). */
export const fromNeighbour = (world: World) => ({ source: world.internet.neighbour, fromLabel: 'neighbour' });

/** What a table in IPv6 needs of the roles, and why it skips without it. */
function missingIpv6(roles: Roles): string | undefined {
  const without = roles.workloads.filter((w) => !w.address6).map((w) => w.label);
  if (without.length)
    return `no IPv6 address for ${without.join(', ')} (the roles give no "address6"): nothing to judge in IPv6`;
  if (!roles.gateway6) return 'the roles give no "gateway6": nothing to judge in IPv6';
  return undefined;
}

/**
 * The property's table in one family. ownChecks: an implementation's own paths (Docker's per version), judged
 * with the property and family they belong to and served by its responders.
 */
export function propertyTable(
  property: PropertyId,
  givenRoles: Roles,
  givenWorld: World,
  family: Family = 'ipv4',
  ownChecks: readonly Check[] = [],
): PropertyTable {
  const table = (checks: Omit<Check, 'property' | 'family'>[], responders: ResponderSpec[] = []): PropertyTable => ({
    property,
    family,
    checks: [
      ...checks.map((check) => ({ property, family, ...check })),
      ...ownChecks.filter((check) => check.property === property && check.family === family),
    ],
    responders,
  });
  // 5 and 6 are judged on the networks beside the first, each with the addresses it has in the family
  const beside = property === '5-isolation' || property === '6-internal';
  const skip = family === 'ipv6' && !beside ? missingIpv6(givenRoles) : undefined;
  if (skip) return { ...table([]), checks: [], skip };
  // the family's view, its addresses where the IPv4 ones stand: each table is written once for both
  const roles = rolesAs(givenRoles, family);
  const world = worldAs(givenWorld, family);
  const uplink = uplinkAddress(world);
  const { internet } = world;
  const client = { source: internet.outsideClient };
  // the outside client through a published port (an HTTP GET, or a UDP exchange): the server sees its own address
  const fromOutside = (kind: 'http' | 'udp', published: Published, ofWhat = '') => {
    const server = workloadByLabel(roles, published.workload);
    const check = {
      probe: (kind === 'udp' ? udp : http)(internet.namespace, uplink, published.port, client),
      expect: 'reachable' as const,
      seenAs: internet.outsideClient,
      because:
        `the published ${kind === 'udp' ? 'UDP ' : ''}port${ofWhat} forwards to ` +
        `${server.label}:${published.targetPort} and DNAT keeps the client's address`,
    };
    return { server, check, targetPort: published.targetPort };
  };
  switch (property) {
    case '1-bridge':
      return table(
        roles.workloads.flatMap((w) => [
          {
            probe: ping(w.netns, roles.gateway, from(w)),
            expect: 'reachable',
            because: `${w.label} is on the bridge whose address is the gateway`,
          },
          ...peersOf(w, roles.workloads).map((other) => ({
            probe: ping(w.netns, other.address, from(w)),
            expect: 'reachable' as const,
            because: `${w.label} and ${other.label} share the bridge`,
          })),
        ]),
      );
    case '2-host':
      return table(
        roles.workloads.flatMap((w) => [
          {
            probe: ping(w.netns, uplink, from(w)),
            expect: 'reachable',
            because: `${w.label} routes to the host through the gateway`,
          },
          {
            probe: ping(undefined, w.address),
            expect: 'reachable',
            because: `the host has a connected route to ${w.label}'s network`,
          },
        ]),
      );
    case '3-egress':
      return table(
        roles.workloads.flatMap((w) => [
          {
            probe: ping(w.netns, internet.publicHost, from(w)),
            expect: 'reachable',
            because: 'forwarding and source NAT carry it out and the reply back',
          },
          {
            probe: http(w.netns, internet.publicHost, PUBLIC_HOST_PORT, from(w)),
            expect: 'reachable',
            seenAs: uplink,
            because: "source NAT replaces the workload's private address with the host's",
          },
          {
            probe: ping(internet.namespace, w.address),
            expect: 'network-unreachable',
            because: 'the internet has no route to a private address; only NAT can bring replies back',
          },
        ]),
        [{ ns: internet.namespace, port: PUBLIC_HOST_PORT }],
      );
    case '4-inbound': {
      const { published } = roles;
      if (!published) return { ...table([]), skip: PUBLISHES_NONE };
      const { server, check } = fromOutside('http', published);
      return table(
        [
          check,
          {
            probe: http(internet.namespace, server.address, published.targetPort, client),
            expect: 'network-unreachable',
            because: "a workload's private address is not routable from outside; only the published port is",
          },
        ],
        [{ ns: server.netns, port: published.targetPort }],
      );
    }
    case '5-isolation': {
      const { isolation } = roles;
      if (!isolation)
        return { ...table([]), skip: 'the implementation claims no isolation (roles have no "isolation")' };
      // kept apart from the first network: judged where both have addresses in the family
      const first = judgeable(roles);
      const network = first && isolation.network && judgeable(isolation.network);
      const iccOff = isolation.iccOff && judgeable(isolation.iccOff);
      const apart = (those: Workload[], others: Workload[], why: string) =>
        those.flatMap((w) => others.map((other) => dropped(ping(w.netns, other.address, from(w)), why)));
      const checks = [
        ...(network
          ? [
              ...onItsOwn(network, 'the second network', internet.publicHost, true),
              ...apart(first.workloads, network.workloads, `the networks are kept apart (${isolation.why})`),
              ...apart(network.workloads, first.workloads, `the networks are kept apart (${isolation.why})`),
            ]
          : []),
        ...(iccOff
          ? [
              ...onItsOwn(iccOff, 'the network with inter-workload traffic off', internet.publicHost, false),
              ...iccOff.workloads.flatMap((w) =>
                apart([w], peersOf(w, iccOff.workloads), `inter-workload traffic is off there (${isolation.why})`),
              ),
            ]
          : []),
      ];
      if (!checks.length) return { ...table([]), skip: NO_OTHER_NETWORK_IN_IPV6 };
      return table(checks);
    }
    case '6-internal': {
      const { internal } = roles;
      if (!internal)
        return { ...table([]), skip: 'the implementation claims no internal network (roles have no "internal")' };
      const network = judgeable(internal);
      if (!network) return { ...table([]), skip: NO_OTHER_NETWORK_IN_IPV6 };
      return table(
        network.workloads.flatMap((w) => {
          const out = ping(w.netns, internet.publicHost, from(w));
          const inbound = ping(internet.namespace, w.address, fromNeighbour(world));
          return [
            ...peersOf(w, network.workloads).map((other) => {
              const probe = ping(w.netns, other.address, from(w));
              return internal.peersApart?.families.includes(family)
                ? dropped(probe, `a known fault (${internal.peersApart.why})`)
                : {
                    probe,
                    expect: 'reachable' as const,
                    because: `${w.label} and ${other.label} share the internal network's bridge`,
                  };
            }),
            internal.egress === 'no-route'
              ? {
                  probe: out,
                  expect: 'network-unreachable' as const,
                  because: `an internal network gives ${w.label} no route out (${internal.why})`,
                }
              : dropped(out, `an internal network has no egress (${internal.why})`),
            internal.inboundDelivered
              ? {
                  probe: inbound,
                  expect: 'timeout' as const,
                  deliveredTo: w,
                  because:
                    `a known fault: the LAN neighbour's request reaches ${w.label}, which has no route to answer ` +
                    `it (${internal.inboundDelivered})`,
                }
              : dropped(
                  inbound,
                  `an internal network takes nothing in, even from a LAN neighbour that routes to it ` +
                    `(${internal.why})`,
                ),
          ];
        }),
      );
    }
    case '7-hairpin': {
      const { published, hairpin } = roles;
      if (!published) return { ...table([]), skip: PUBLISHES_NONE };
      if (!hairpin) return { ...table([]), skip: 'the implementation claims no hairpin (roles have no "hairpin")' };
      const server = workloadByLabel(roles, published.workload);
      const seen = (w: Workload, as: Exclude<HairpinSource, 'unreachable'>) =>
        as === 'gateway' ? roles.gateway : w.address;
      return table(
        roles.workloads.flatMap((w) => {
          const as = w === server ? hairpin.self : hairpin.peer;
          const whose = w === server ? 'its own published port' : `${server.label}'s published port`;
          const probe = http(w.netns, uplink, published.port, from(w));
          return [
            as === 'unreachable'
              ? {
                  probe,
                  expect: 'timeout' as const,
                  because:
                    `${w.label} does not reach ${whose} through the host, as its implementation is known for ` +
                    `(${hairpin.why})`,
                }
              : {
                  probe,
                  expect: 'reachable' as const,
                  seenAs: seen(w, as),
                  because: `${w.label} reaches ${whose} through the host; ${HAIRPIN_SEEN[as]} (${hairpin.why})`,
                },
            {
              probe: http(w.netns, uplink, UNPUBLISHED_PORT, from(w)),
              expect: 'refused' as const,
              because: `nothing is published on ${UNPUBLISHED_PORT}: the host itself answers, and nothing listens`,
            },
          ];
        }),
        [{ ns: server.netns, port: published.targetPort }],
      );
    }
    case '8-udp': {
      const { publishedUdp } = roles;
      if (!publishedUdp)
        return { ...table([]), skip: 'the implementation publishes no UDP port (roles have no "publishedUdp")' };
      // the single port, and each port of a published range (the same DNAT may not serve every port of it)
      const served = [publishedUdp, ...(roles.publishedUdpRange ? portsOf(roles.publishedUdpRange) : [])].map(
        (published) => fromOutside('udp', published, published === publishedUdp ? '' : ' of the range'),
      );
      return table(
        [
          ...served.map(({ check }) => check),
          {
            probe: udp(internet.namespace, uplink, UNPUBLISHED_PORT, client),
            expect: 'refused',
            because:
              `nothing is published on UDP ${UNPUBLISHED_PORT}: ` +
              'the host itself answers, with ICMP port unreachable',
          },
        ],
        served.map(({ server, targetPort }) => ({ ns: server.netns, port: targetPort, protocol: 'udp' as const })),
      );
    }
  }
}

/** Why 5 and 6 skip in IPv6 when the networks they are judged on have no IPv6 addresses. */
const NO_OTHER_NETWORK_IN_IPV6 =
  'the networks it is judged on have no IPv6 addresses (the roles give no "address6" or "gateway6" there)';

/** A network's workloads that have an address in the table's family, if it has a gateway there and two of them. */
function judgeable(network: Network): Network | undefined {
  const workloads = network.workloads.filter((w) => w.address);
  return network.gateway && workloads.length >= 2 ? { ...network, workloads } : undefined;
}

/** A negative whose packets a rule or policy of the cell must be seen dropping. */
const dropped = (probe: ProbeSpec, why: string): Omit<Check, 'property' | 'family'> => ({
  probe,
  expect: 'timeout',
  droppedBy: ANY_DROP,
  because: `${probe.fromLabel ?? 'the host'} does not reach ${probe.to}: ${why}`,
});

/**
 * A network beside the first still works on its own: each workload reaches its gateway and the internet, and
 * (withPeers) the other workloads on it.
 */
function onItsOwn(network: Network, what: string, publicHost: string, withPeers: boolean) {
  return network.workloads.flatMap((w) => [
    {
      probe: ping(w.netns, network.gateway, from(w)),
      expect: 'reachable' as const,
      because: `${w.label} is on ${what}, whose bridge is its gateway`,
    },
    ...(withPeers ? peersOf(w, network.workloads) : []).map((other) => ({
      probe: ping(w.netns, other.address, from(w)),
      expect: 'reachable' as const,
      because: `${w.label} and ${other.label} share ${what}`,
    })),
    {
      probe: ping(w.netns, publicHost, from(w)),
      expect: 'reachable' as const,
      because: `${what} is kept apart, not cut off: forwarding and source NAT carry ${w.label} out`,
    },
  ]);
}

/** What the server's view of a hairpin client means, in words. */
const HAIRPIN_SEEN: Record<Exclude<HairpinSource, 'unreachable'>, string> = {
  gateway: "the server sees the bridge's gateway address (masqueraded, or a proxy's connection)",
  client: "the server sees the client's own address (DNAT alone; the reply is un-NATed on the bridge)",
};
