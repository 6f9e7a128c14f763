// The run's configuration, from the environment, checked once in the global setup and handed to every suite.
import type { HostBackend } from '../hosts/host.ts';
import type { KeepMode } from '../hosts/keep.ts';
import { HarnessSetupError } from '../setup-error.ts';
import { commaList } from '../env-list.ts';
import { FIREWALLS, type Firewall, type IptablesCommand } from '../net/firewall.ts';
import type { Acceleration } from '../hosts/vm/accel.ts';
import { KERNEL_SERIES, kernelSeries, type Kernel, type KernelSeries } from '../hosts/vm/kernels.ts';
import type { ImplementationRef } from '../implementations/implementation.ts';
import {
  FOREIGN_PROPERTY,
  LIFECYCLE_PROPERTY,
  PROPERTY_IDS,
  SELECTABLE_PROPERTIES,
  type PropertyId,
} from '../properties/properties.ts';
import { FAMILIES, type Family } from '../world/world.ts';

export interface HarnessConfig {
  backend: HostBackend;
  /** container backend: the host image tag */
  image?: string;
  /** container backend: the images implementations need (Docker-in-Docker hosts), by recipe name */
  images: Record<string, string>;
  /** labels every container of this run with it, so its leftovers can be swept */
  runId: string;
  /** the run's id in its results file and on its Allure tests (NETNS_RUN_ID when given, else runId) */
  resultsId: string;
  /** `<machine>:<pid>` of the process that owns the run */
  owner: string;
  /** when the run began (ms since the epoch): files older than that belong to earlier runs */
  startedAt: number;
  /** NETNS_IPTABLES: the iptables the guide's walkthrough writes with */
  iptables: IptablesCommand;
  /** NETNS_FIREWALLS: the firewall backends the conformance suite judges each implementation with */
  firewalls: Firewall[];
  /** NETNS_FAMILIES: the address families the world is built in (ipv4; ipv4,ipv6 for both) */
  families: Family[];
  /** NETNS_PROPERTIES: the properties judged by probes (default all; those an implementation does not claim skip) */
  properties: PropertyId[];
  /** NETNS_PROPERTIES names 9-lifecycle (the default): removal is judged where an implementation has one */
  lifecycle: boolean;
  /** NETNS_PROPERTIES names 10-foreign-firewall (the default): judged where an implementation claims it */
  foreignFirewall: boolean;
  /** vm backend (NETNS_KERNELS): the kernels the hosts boot, unpacked in the cache; empty for other backends */
  kernels: Kernel[];
  /** vm backend: KVM or TCG, and why */
  accel?: Acceleration;
  /** NETNS_TOPOLOGY: the guide's topology, and the world's addresses (guide/topology.ts) */
  topologyPath: string;
  privileged: boolean;
  /** NETNS_IMPL: the implementations the conformance suite judges ('guide', 'script:PATH'), read */
  implementations: ImplementationRef[];
  /** NETNS_KEEP: which hosts stay up after the run */
  keep: KeepMode;
  /** where workers note the hosts they kept (keptFileOf(runId)) */
  keptFile: string;
}

export const BACKEND_REQUESTS = ['auto', 'container', 'netns', 'vm'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

export function backendRequest(env = process.env): BackendRequest {
  const value = env.NETNS_HOST ?? 'auto';
  if (!BACKEND_REQUESTS.includes(value as BackendRequest)) {
    throw new HarnessSetupError(
      `NETNS_HOST=${value} is not a host backend; ` +
        `use one of ${BACKEND_REQUESTS.join(', ')} (or leave it unset for auto)`,
    );
  }
  return value as BackendRequest;
}

export function iptablesCommand(env = process.env): IptablesCommand {
  const value = env.NETNS_IPTABLES ?? 'nft';
  if (value !== 'nft' && value !== 'legacy')
    throw new HarnessSetupError(`NETNS_IPTABLES=${value} is not an iptables backend; use nft or legacy`);
  return `iptables-${value}`;
}

/** A variable's comma list of known names, checked: one line names a wrong or missing entry and the names known. */
function knownNames<T extends string>(variable: string, value: string, known: readonly T[], what: string): T[] {
  const names = commaList(value);
  const unknown = names.find((name) => !known.includes(name as T));
  if (unknown || names.length === 0)
    throw new HarnessSetupError(
      `${variable}=${value}: ${unknown ? `"${unknown}" is not ${what}` : 'empty'}; ` +
        `use a comma list of ${known.join(', ')}`,
    );
  return names as T[];
}

/** NETNS_FIREWALLS, a comma list of iptables-nft, iptables-legacy, nft; default: the one NETNS_IPTABLES names. */
export function firewallsOf(env = process.env): Firewall[] {
  if (!env.NETNS_FIREWALLS) return [iptablesCommand(env)];
  return [...new Set(knownNames('NETNS_FIREWALLS', env.NETNS_FIREWALLS, FIREWALLS, 'a firewall backend'))];
}

/** NETNS_FAMILIES, a comma list of ipv4, ipv6; default both (ipv4 alone judges as before IPv6 came). */
export function familiesOf(env = process.env): Family[] {
  if (!env.NETNS_FAMILIES) return [...FAMILIES];
  const names = knownNames('NETNS_FAMILIES', env.NETNS_FAMILIES, FAMILIES, 'an address family');
  return FAMILIES.filter((family) => names.includes(family)); // in one order, whatever the list's
}

/** NETNS_PROPERTIES, a comma list of property ids (1-bridge, …, 10-foreign-firewall); default: every one. */
export function propertiesOf(env = process.env): {
  properties: PropertyId[];
  lifecycle: boolean;
  foreignFirewall: boolean;
} {
  if (!env.NETNS_PROPERTIES) return { properties: [...PROPERTY_IDS], lifecycle: true, foreignFirewall: true };
  const names: string[] = knownNames('NETNS_PROPERTIES', env.NETNS_PROPERTIES, SELECTABLE_PROPERTIES, 'a property');
  return {
    properties: PROPERTY_IDS.filter((property) => names.includes(property)), // in the properties' order
    lifecycle: names.includes(LIFECYCLE_PROPERTY),
    foreignFirewall: names.includes(FOREIGN_PROPERTY),
  };
}

/** NETNS_KERNELS, a comma list of kernel series the vm backend boots; default: all it knows. */
export function kernelsOf(env = process.env): KernelSeries[] {
  if (!env.NETNS_KERNELS) return [...KERNEL_SERIES];
  return [...new Set(commaList(env.NETNS_KERNELS).map((name) => kernelSeries(name)))];
}
