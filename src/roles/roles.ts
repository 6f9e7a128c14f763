// Who is who, as an implementation hands it back after building its networking: all the properties need, and
// nothing about how it was built. The guide derives them from its topology, a user's script writes them as
// JSON (parse-roles.ts), Docker's engine will read them from `docker inspect`.
import type { NetnsRef } from '../hosts/host.ts';
import type { ForeignFirewall } from '../world/foreign-firewall.ts';
import type { Family } from '../world/world.ts';

export interface Workload {
  /** a short name for reports: "a", "netns1", a container's name */
  label: string;
  /** where it lives inside the host: an `ip netns` name, or a path such as /proc/PID/ns/net */
  netns: NetnsRef;
  /** its address on the bridge: 192.168.0.2 */
  address: string;
  /** its IPv6 address on the bridge, when it has one: fd00:…::2 (without it, its IPv6 rows skip) */
  address6?: string;
}

export interface Published {
  /** the port on the host's uplink address that the outside client connects to */
  port: number;
  /** the label of the workload behind it */
  workload: string;
  /** the port in that workload, where the harness runs its responder */
  targetPort: number;
}

/** Ports port … port+count-1 published to targetPort … targetPort+count-1 of one workload. */
export interface PublishedRange extends Published {
  /** how many ports, two at least */
  count: number;
}

/** Each port of a published range, as a single published port. */
export const portsOf = ({ count, ...first }: PublishedRange): Published[] =>
  Array.from({ length: count }, (_, index) => ({
    ...first,
    port: first.port + index,
    targetPort: first.targetPort + index,
  }));

/**
 * Who a server sees when a workload reaches a published port through the host: the gateway, or the client; or
 * that it is not reached at all, where an implementation is known not to carry it (data, with its why).
 */
export const HAIRPIN_SOURCES = ['gateway', 'client', 'unreachable'] as const;
export type HairpinSource = (typeof HAIRPIN_SOURCES)[number];

/** An implementation's claim of property 7-hairpin, and what its server sees. */
export interface Hairpin {
  /** the server reaching its own published port */
  self: HairpinSource;
  /** another workload reaching it */
  peer: HairpinSource;
  /** why it is so, in words: the mechanism (docker-proxy, a hairpin MASQUERADE …) */
  why: string;
}

/** An implementation's claim of property 10: which other programs' firewalls it keeps its four properties beside. */
export interface ForeignFirewallClaim {
  /** those it keeps them beside; beside the others it fails, and the diagnosis must name the other program's drop */
  keeps: ForeignFirewall[];
  /** why, in words: the rules it inserts ahead of FORWARD's, or that it relies on FORWARD's ACCEPT policy … */
  why: string;
}

/**
 * A network beside the first, of the same implementation on the same host, built for properties 5 and 6: its
 * workloads, and its bridge's addresses as they see them.
 */
export interface Network {
  workloads: Workload[];
  gateway: string;
  gateway6?: string;
}

/** An implementation's claim of property 5: what it keeps apart, and how. */
export interface Isolation {
  /** a second network: its workloads and the first network's do not reach each other, either way */
  network?: Network;
  /** a network whose workloads do not reach each other (inter-container communication off) */
  iccOff?: Network;
  /** why, in words: the rules that drop it (Docker's DOCKER-ISOLATION chains, netavark's isolate option …) */
  why: string;
}

/**
 * How a network marked internal keeps its workloads from the internet: they have no route out (the kernel
 * answers "network unreachable" at once), or a rule drops what they send out (its counter must show it).
 */
export const INTERNAL_EGRESS = ['no-route', 'dropped'] as const;
export type InternalEgress = (typeof INTERNAL_EGRESS)[number];

/** An implementation's claim of property 6: a network marked internal, with no egress and no inbound. */
export interface Internal extends Network {
  egress: InternalEgress;
  /** the families in which its workloads do not reach each other either, a known fault, as data: why */
  peersApart?: { families: Family[]; why: string };
  /**
   * a known fault, as data: what a LAN neighbour sends still reaches its workloads (nothing drops it; without a
   * route back they cannot answer), why
   */
  inboundDelivered?: string;
  /** why, in words: no default route given, the isolation rules that drop what leaves or enters the bridge … */
  why: string;
}

export interface Roles {
  workloads: Workload[];
  /** the bridge's address as the workloads see it (their default gateway): 192.168.0.1 */
  gateway: string;
  /** the bridge's IPv6 address, when the workloads have IPv6 ones */
  gateway6?: string;
  /** absent: the implementation publishes nothing, and property 4 is skipped with that reason */
  published?: Published;
  /** a UDP port it publishes; absent: property 8 is skipped with that reason */
  publishedUdp?: Published;
  /** a range of UDP ports it publishes, each to its own port in the workload (-p 8100-8101:5100-5101/udp) */
  publishedUdpRange?: PublishedRange;
  /** absent: the implementation claims no hairpin, and property 7 is skipped with that reason */
  hairpin?: Hairpin;
  /** absent: property 10 is skipped with that reason */
  foreignFirewall?: ForeignFirewallClaim;
  /** absent: property 5 is skipped with that reason */
  isolation?: Isolation;
  /** absent: property 6 is skipped with that reason */
  internal?: Internal;
}

/**
 * The roles as a probe of one family sees them: in IPv6 each workload's address6 and the gateway6 stand where
 * the IPv4 addresses stand (empty where the roles give none), as worldAs does for the world.
 */
export function rolesAs(roles: Roles, family: Family): Roles {
  if (family === 'ipv4') return roles;
  const { isolation, internal } = roles;
  return {
    ...networkAs(roles, family),
    ...(isolation
      ? {
          isolation: {
            ...isolation,
            ...(isolation.network ? { network: networkAs(isolation.network, family) } : {}),
            ...(isolation.iccOff ? { iccOff: networkAs(isolation.iccOff, family) } : {}),
          },
        }
      : {}),
    ...(internal ? { internal: networkAs(internal, family) } : {}),
  };
}

/** A network as a probe of one family sees it (rolesAs, for the roles' first network or another). */
export function networkAs<Of extends Network>(network: Of, family: Family): Of {
  if (family === 'ipv4') return network;
  return {
    ...network,
    gateway: network.gateway6 ?? '',
    workloads: network.workloads.map((w) => ({ ...w, address: w.address6 ?? '' })),
  };
}

/** The networks beside the first that the roles give (properties 5 and 6). */
export const besideNetworksOf = (roles: Roles): Network[] =>
  [roles.isolation?.network, roles.isolation?.iccOff, roles.internal].filter((network) => network !== undefined);

/** Every workload of the roles, the first network's and those of the networks beside it. */
export const everyWorkload = (roles: Roles): Workload[] => [
  ...roles.workloads,
  ...besideNetworksOf(roles).flatMap((network) => network.workloads),
];

export function workloadByLabel(roles: Roles, label: string): Workload {
  const workload = everyWorkload(roles).find((candidate) => candidate.label === label);
  if (!workload)
    throw new Error(`roles have no workload "${label}" (have ${roles.workloads.map((w) => w.label).join(', ')})`);
  return workload;
}
