// The properties as expectation tables computed from roles and the world alone, one per address family: the
// same tables judge the guide, a user's script, Docker's engine, in IPv4 and IPv6. "Must not reach" is an
// expected outcome like any other. The guide's four hold for every implementation; the others are judged where an
// implementation claims them in its roles, and skip with that reason elsewhere.
import type { Served } from '../probes/batch.ts';
import { http, ping, udp } from '../probes/probe.ts';
import type { RuleRef } from '../evidence/counters.ts';
import type { OutcomeKind, ProbeSpec } from '../probes/outcome.ts';
import {
  rolesAs,
  workloadByLabel,
  type HairpinSource,
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
  /** a negative proven by evidence, not only by silence: the rule whose counter the probe must move */
  droppedBy?: RuleRef;
}

export interface PropertyTable {
  property: PropertyId;
  family: Family;
  checks: Check[];
  responders: ResponderSpec[];
  /** set when the roles give this property nothing to judge: it is skipped with this reason */
  skip?: string;
}

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
  const skip = family === 'ipv6' ? missingIpv6(givenRoles) : undefined;
  if (skip) return { ...table([]), checks: [], skip };
  // the family's view, its addresses where the IPv4 ones stand: each table is written once for both
  const roles = rolesAs(givenRoles, family);
  const world = worldAs(givenWorld, family);
  const uplink = uplinkAddress(world);
  const { internet } = world;
  const client = { source: internet.outsideClient };
  // the outside client through a published port (an HTTP GET, or a UDP exchange): the server sees its own address
  const fromOutside = (kind: 'http' | 'udp', published: Published) => {
    const server = workloadByLabel(roles, published.workload);
    const check = {
      probe: (kind === 'udp' ? udp : http)(internet.namespace, uplink, published.port, client),
      expect: 'reachable' as const,
      seenAs: internet.outsideClient,
      because:
        `the published ${kind === 'udp' ? 'UDP ' : ''}port forwards to ${server.label}:${published.targetPort} ` +
        `and DNAT keeps the client's address`,
    };
    return { server, check };
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
      const { server, check } = fromOutside('udp', publishedUdp);
      return table(
        [
          check,
          {
            probe: udp(internet.namespace, uplink, UNPUBLISHED_PORT, client),
            expect: 'refused',
            because:
              `nothing is published on UDP ${UNPUBLISHED_PORT}: ` +
              'the host itself answers, with ICMP port unreachable',
          },
        ],
        [{ ns: server.netns, port: publishedUdp.targetPort, protocol: 'udp' }],
      );
    }
  }
}

/** What the server's view of a hairpin client means, in words. */
const HAIRPIN_SEEN: Record<Exclude<HairpinSource, 'unreachable'>, string> = {
  gateway: "the server sees the bridge's gateway address (masqueraded, or a proxy's connection)",
  client: "the server sees the client's own address (DNAT alone; the reply is un-NATed on the bridge)",
};
