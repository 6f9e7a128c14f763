// Where a probe's packets should pass, derived from the roles alone: the workload's own interface, the bridge
// (the host's link that holds the gateway address), the uplink and the internet's end of it — in the order a
// request travels, so that "last seen on br0, never on eth0" can be said.
import type { CapturePoint } from '../evidence/capture.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
import type { Roles, Workload } from '../roles/roles.ts';
import { uplinkAddress, type World } from '../world/world.ts';
import { linkWithAddress, type CellState } from './cell-state.ts';

export interface PathPoint extends CapturePoint {
  /** how reports name it: "netns1/ceth0", "br0", "eth0", "internet/isp0" */
  label: string;
}

async function workloadPoint(state: CellState, workload: Workload): Promise<PathPoint[]> {
  const iface = await linkWithAddress(state, workload.netns, workload.address);
  return iface ? [{ ns: workload.netns, iface, label: `${workload.label}/${iface}` }] : [];
}

/**
 * The capture points of a probe's path, in the order its request passes them; a link that is down cannot be
 * captured on, and is left out (the state causes name it).
 */
export async function pathOf(
  probe: ProbeSpec,
  roles: Roles,
  world: World,
  bridge: string | undefined,
  state: CellState,
): Promise<PathPoint[]> {
  const points = await pointsOf(probe, roles, world, bridge, state);
  const up = await Promise.all(
    points.map(async (point) =>
      (await state.links(point.ns)).some((link) => link.ifname === point.iface && link.flags.includes('UP')),
    ),
  );
  return points.filter((_, index) => up[index]);
}

async function pointsOf(
  probe: ProbeSpec,
  roles: Roles,
  world: World,
  bridge: string | undefined,
  state: CellState,
): Promise<PathPoint[]> {
  const bridgePoint: PathPoint[] = bridge ? [{ iface: bridge, label: bridge }] : [];
  const uplink: PathPoint = { iface: world.uplink.name, label: world.uplink.name };
  const internet: PathPoint = {
    ns: world.internet.namespace,
    iface: world.internet.link,
    label: `${world.internet.namespace}/${world.internet.link}`,
  };
  const source = roles.workloads.find((w) => w.netns === probe.from);
  const target =
    roles.workloads.find((w) => w.address === probe.to) ??
    (probe.to === uplinkAddress(world) && roles.published
      ? roles.workloads.find((w) => w.label === roles.published!.workload)
      : undefined);
  const towardsTarget = target ? [...bridgePoint, ...(await workloadPoint(state, target))] : [];
  if (source) {
    const start = await workloadPoint(state, source);
    if (target && probe.to === target.address) return [...start, ...towardsTarget];
    const hostLocal = [roles.gateway, uplinkAddress(world)].includes(probe.to);
    return hostLocal ? [...start, ...bridgePoint] : [...start, ...bridgePoint, uplink, internet];
  }
  if (probe.from === world.internet.namespace) return [internet, uplink, ...towardsTarget];
  return towardsTarget.length ? towardsTarget : [uplink, internet];
}
