// Why a workload does not reach its own published port through the host: the DNAT sends its frames back to it,
// out of the bridge port they came in on, and a bridge does that only for a port with hairpin_mode on (the
// kernel's hairpin check; moby#6810). Read off the port itself.
import type { Host } from '../hosts/host.ts';
import type { ProbeSpec } from '../probes/outcome.ts';
import type { Roles } from '../roles/roles.ts';
import type { World } from '../world/world.ts';
import { hostEndOf, type CellState } from './cell-state.ts';
import { isHairpin } from './state.ts';

interface PortDetails {
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { hairpin?: boolean } };
}

export async function hairpinCauses(
  host: Host,
  spec: ProbeSpec,
  roles: Roles,
  world: World,
  state: CellState,
): Promise<string[]> {
  const server = roles.published && roles.workloads.find((w) => w.label === roles.published!.workload);
  if (!server || spec.from !== server.netns || !isHairpin(spec, roles, world)) return [];
  const own = (await state.links(server.netns)).find((link) =>
    link.addr_info.some((info) => info.local === server.address),
  );
  const port = own && hostEndOf(own, await state.links(undefined));
  if (!port?.master) return [];
  const shown = await host.exec(['ip', '-j', '-d', 'link', 'show', 'dev', port.ifname]);
  const [details] = JSON.parse(shown.stdout || '[]') as PortDetails[];
  if (details?.linkinfo?.info_slave_kind !== 'bridge' || details.linkinfo.info_slave_data?.hairpin !== false) return [];
  return [
    `${port.ifname} (${server.label}'s port on ${port.master}) has hairpin_mode off: the bridge does not send ` +
      `${server.label}'s DNATed frames back out the port they came in on`,
  ];
}
