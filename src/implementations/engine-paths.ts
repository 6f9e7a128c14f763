// Where an engine's versions promise different things on paths of their own, as data: each path names the
// versions an expectation applies to, and why. They are judged with property 4 (inbound), next to the checks every
// implementation gets, and served by its responder in the published workload; in each family the run judges,
// where the path exists in it (127.0.0.1 has no twin a neighbour could route to: ::1 never crosses a wire).
// Docker's paths are in docker/paths.ts, Podman's in podman/paths.ts.
import type { RuleRef } from '../evidence/counters.ts';
import { iptablesIn, type IptablesCommand } from '../net/firewall.ts';
import type { OutcomeKind, ProbeSpec } from '../probes/outcome.ts';
import { http } from '../probes/probe.ts';
import { fromNeighbour, type Check } from '../properties/properties.ts';
import { rolesAs, workloadByLabel, type Roles, type Workload } from '../roles/roles.ts';
import { familyOf, uplinkAddress, worldAs, type Family, type World } from '../world/world.ts';

/** who the server must say it saw */
export type Party = 'gateway' | 'neighbour' | 'uplink';

export interface Expectation<Version extends string> {
  versions: readonly Version[];
  expect: OutcomeKind;
  seenAs?: Party;
  /** the rule that must count the dropped packets */
  droppedBy?: (server: Workload) => Omit<RuleRef, 'iptables'>;
  because: string;
}

export interface EnginePath<Version extends string> {
  /** server and world in the family judged: their addresses of that family */
  probe: (server: Workload, world: World) => ProbeSpec;
  expectations: readonly Expectation<Version>[];
  /** the families it exists in; all when absent */
  families?: readonly Family[];
}

export const fromHost = { fromLabel: 'host' };
/** the host's loopback in the world's family */
export const loopback = (world: World) => (familyOf(uplinkAddress(world)) === 'ipv6' ? '::1' : '127.0.0.1');
/** a route to one address, as iptables-save prints it: 172.17.0.2/32, fd00:172:17::2/128 */
export const onlyAddress = (address: string) => `${address}/${familyOf(address) === 'ipv6' ? 128 : 32}`;

/** the published server, as a LAN neighbour with a route to the bridge's network reaches it: directly */
export const neighbourToServer = (server: Workload, world: World, port: number) =>
  http(world.internet.namespace, server.address, port, fromNeighbour(world));

/** What an engine's version names its paths by: "Docker 28.5", the iptables its drops are counted in. */
export interface EngineVersion<Version extends string> {
  engine: string;
  version: Version;
  iptables: IptablesCommand;
}

/** The checks of one engine version, for property 4, in each family the world is built in. */
export function engineChecks<Version extends string>(
  paths: readonly EnginePath<Version>[],
  of: EngineVersion<Version>,
  roles: Roles,
  world: World,
): Check[] {
  return world.families.flatMap((family) =>
    checksIn(paths, of, rolesAs(roles, family), worldAs(world, family), family),
  );
}

function checksIn<Version extends string>(
  paths: readonly EnginePath<Version>[],
  of: EngineVersion<Version>,
  roles: Roles,
  world: World,
  family: Family,
): Check[] {
  const server = workloadByLabel(roles, roles.published!.workload);
  // a container without an address of this family: its property-4 rows skip, saying so
  if (!server.address) return [];
  const parties: Record<Party, string> = {
    gateway: roles.gateway,
    neighbour: world.internet.neighbour,
    uplink: uplinkAddress(world),
  };
  return paths.flatMap((path) => {
    const expectation = path.expectations.find((candidate) => candidate.versions.includes(of.version));
    if (!expectation || !(path.families ?? [family]).includes(family)) return [];
    const { expect, seenAs, droppedBy, because, versions } = expectation;
    return [
      {
        property: '4-inbound' as const,
        family,
        probe: path.probe(server, world),
        expect,
        ...(seenAs ? { seenAs: parties[seenAs] } : {}),
        ...(droppedBy ? { droppedBy: { iptables: iptablesIn(of.iptables, family), ...droppedBy(server) } } : {}),
        because: `${of.engine} ${versions.join(', ')}: ${because}`,
      },
    ];
  });
}
