// Why a probe failed, as specific as the kernel lets us be, in one line: the plain-state causes along its
// path, then the probe run again with counters and captures armed — which rule or policy dropped it, which NAT
// rule never matched, where its packets were last seen. Runs only for a failed check, so passing runs pay
// nothing for it.
import type { Host } from '../hosts/host.ts';
import type { Firewall } from '../net/firewall.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
import { besideNetworksOf, rolesAs, type Network, type Roles } from '../roles/roles.ts';
import { familyOf, uplinkAddress, worldAs, type World } from '../world/world.ts';
import { dnatTargetCauses, snatTargetCauses } from './nat-targets.ts';
import { cellState, linkWithAddress, type CellState } from './cell-state.ts';
import { hairpinCauses } from './hairpin.ts';
import { pathOf } from './path.ts';
import { describeSeen, rerun, type NatNeed, type Rerun } from './rerun.ts';
import { isHairpin, stateCauses } from './state.ts';

export interface DiagnosisContext {
  world: World;
  /** the cell's firewall backend: whose rules and counters the re-run reads */
  firewall: Firewall;
  /** at most this many failed checks diagnosed in all (default: up to 10 of each table) */
  most?: number;
}

export interface Diagnosis {
  /** causes the harness can name: state, the rule or policy that dropped it, the NAT that is missing */
  causes: string[];
  /** where its packets went: "last seen on br0, never on eth0" */
  seen?: string;
}

export async function diagnose(
  host: Host,
  spec: ProbeSpec,
  givenRoles: Roles,
  context: DiagnosisContext,
  state: CellState = cellState(host),
): Promise<Diagnosis> {
  // the probe speaks one family: the roles and the world in it, their addresses where the IPv4 ones stand
  const family = familyOf(spec.to);
  const { roles, crossTo } = aroundProbe(rolesAs(givenRoles, family), spec);
  const world = worldAs(context.world, family);
  const { firewall } = context;
  // the bridge: the host's link that holds the gateway address
  const bridge = await linkWithAddress(state, undefined, roles.gateway);
  const causes = [
    ...(await stateCauses(host, spec, roles, world, bridge, state)),
    ...(await hairpinCauses(host, spec, roles, world, state)),
  ];
  const path = await pathOf(spec, roles, world, bridge, state);
  if (crossTo) {
    // from its source's bridge to its target's: the path ends there, not at the uplink
    const outside = [world.uplink.name, `${world.internet.namespace}/${world.internet.link}`];
    const theirs = { ...roles, workloads: crossTo.workloads, gateway: crossTo.gateway };
    const theirBridge = await linkWithAddress(state, undefined, crossTo.gateway);
    const towards = await pathOf({ ...spec, from: undefined }, theirs, world, theirBridge, state);
    path.splice(0, path.length, ...path.filter((point) => !outside.includes(point.label)), ...towards);
  }
  const need = natNeed(spec, roles, world);
  const again = await rerun(host, spec, firewall, path, need);
  const seen = describeSeen(again.seen);
  // a NAT rule that "never matched" says nothing when the packet never reached the uplink
  const uplink = again.seen.find((point) => point.label === world.uplink.name);
  const nat =
    uplink && uplink.captured.length === 0
      ? again.nat.filter((finding) => !finding.endsWith('never matched'))
      : again.nat;
  const targets = await natTargetCauses(need, again, spec, roles, world, state);
  return { causes: [...causes, ...again.drops, ...nat, ...targets], ...(seen ? { seen } : {}) };
}

/**
 * The roles as a probe of a network beside the first sees them (properties 5 and 6): the workloads and gateway of
 * its source's network (or its target's, from outside), so that its causes are those of the bridge it starts on;
 * and, for a probe from one network to another, the network it is sent to (crossTo). A probe of the first network
 * alone sees the roles as they are.
 */
function aroundProbe(roles: Roles, spec: ProbeSpec): { roles: Roles; crossTo?: Network } {
  const networks = [roles, ...besideNetworksOf(roles)];
  const source = networks.find((network) => network.workloads.some((w) => w.netns === spec.from));
  const target = networks.find((network) => network.workloads.some((w) => w.address === spec.to));
  const own = source ?? target;
  const crossTo = source && target && source !== target ? { crossTo: target } : {};
  if (!own || own === roles) return { roles, ...crossTo };
  return { roles: { ...roles, workloads: own.workloads, gateway: own.gateway }, ...crossTo };
}

/** A NAT rule that matched but sends the probe where it cannot succeed (see nat-targets.ts). */
async function natTargetCauses(
  need: NatNeed,
  again: Rerun,
  spec: ProbeSpec,
  roles: Roles,
  world: World,
  state: CellState,
): Promise<string[]> {
  if (need === 'destination') return dnatTargetCauses(again.translated, spec, roles);
  if (need !== 'source') return [];
  const owned = (await state.links(undefined)).flatMap((link) => link.addr_info.map((info) => info.local));
  return snatTargetCauses(again.translated, owned, again.seen, world.uplink.name);
}

/**
 * A workload's probe to the internet needs source NAT; the internet's probe to the uplink, destination NAT, and so
 * does a workload's to the published port through the uplink (hairpin).
 */
function natNeed(spec: ProbeSpec, roles: Roles, world: World): NatNeed {
  const fromWorkload = roles.workloads.some((w) => w.netns === spec.from);
  const toInternet = [world.internet.publicHost, world.internet.outsideClient].includes(spec.to);
  if (fromWorkload && toInternet) return 'source';
  if (fromWorkload && isHairpin(spec, roles, world)) return 'destination';
  return spec.from === world.internet.namespace && spec.to === uplinkAddress(world) ? 'destination' : undefined;
}
