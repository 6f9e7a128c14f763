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
  /** absent: the implementation claims no hairpin, and property 7 is skipped with that reason */
  hairpin?: Hairpin;
  /** absent: property 10 is skipped with that reason */
  foreignFirewall?: ForeignFirewallClaim;
}

/**
 * The roles as a probe of one family sees them: in IPv6 each workload's address6 and the gateway6 stand where
 * the IPv4 addresses stand (empty where the roles give none), as worldAs does for the world.
 */
export function rolesAs(roles: Roles, family: Family): Roles {
  if (family === 'ipv4') return roles;
  return {
    ...roles,
    gateway: roles.gateway6 ?? '',
    workloads: roles.workloads.map((w) => ({ ...w, address: w.address6 ?? '' })),
  };
}

export function workloadByLabel(roles: Roles, label: string): Workload {
  const workload = roles.workloads.find((candidate) => candidate.label === label);
  if (!workload)
    throw new Error(`roles have no workload "${label}" (have ${roles.workloads.map((w) => w.label).join(', ')})`);
  return workload;
}
