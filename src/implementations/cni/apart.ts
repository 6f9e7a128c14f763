// Property 5 for a CNI chain: a second network derived from the user's conflist, its bridge and subnets changed,
// built when the firewall plugin keeps bridges apart (`"ingressPolicy": "same-bridge"`, firewall 1.1.0 on: the
// CNI-ISOLATION chains, as Docker's DOCKER-ISOLATION). Both networks carry the policy, as each network of
// nerdctl, which asks for it by default, does.
import type { KeptByDesign } from '../../results/leftovers.ts';
import { APART } from '../beside-networks.ts';
import { ImplementationError } from '../implementation.ts';
import { sharedRules } from '../kept-by-design.ts';
import { type Conflist, type PluginConf } from './conflist.ts';

/** the bridge of the network kept apart */
export const APART_BRIDGE = `cni-${APART.name}`;

export const ISOLATION_WHY =
  'the firewall plugin\'s ingressPolicy "same-bridge" on both networks: CNI-ISOLATION-STAGE-1 sends what leaves a ' +
  'bridge for another to CNI-ISOLATION-STAGE-2, which drops it going out of a bridge that has the policy';

const firewallOf = (conflist: Conflist) => conflist.plugins.find((plugin) => plugin.type === 'firewall');

/** whether the chain keeps its bridge apart from other networks' */
export const keepsBridgesApart = (conflist: Conflist): boolean => firewallOf(conflist)?.ingressPolicy === 'same-bridge';

/** host-local's subnets as the user's conflist has them, each family's replaced by the apart network's */
function apartIpam(ipam: unknown, id: string): Record<string, unknown> {
  const given = (ipam ?? {}) as { ranges?: Array<Array<{ subnet?: string }>>; subnet?: string };
  const subnetLike = (subnet = '') => (subnet.includes(':') ? APART.subnet6 : APART.subnet);
  if (Array.isArray(given.ranges))
    return { ...given, ranges: given.ranges.map((set) => [{ subnet: subnetLike(set[0]?.subnet) }]) };
  if (typeof given.subnet === 'string') return { ...given, subnet: subnetLike(given.subnet) };
  throw new ImplementationError(id, 'its bridge plugin\'s ipam has no "ranges" or "subnet" to build a second network');
}

/** The user's chain for a second network: its own name, bridge and subnets, the same plugins and policy. */
export function apartConflist(conflist: Conflist, id: string): Conflist {
  const apart = (plugin: PluginConf): PluginConf =>
    plugin.type === 'bridge' ? { ...plugin, bridge: APART_BRIDGE, ipam: apartIpam(plugin.ipam, id) } : plugin;
  return { ...conflist, name: `${conflist.name}-${APART.name}`, plugins: conflist.plugins.map(apart) };
}

/** the isolation chains stay after the last DEL: the firewall plugin never removes a bridge's rules there */
export const ISOLATION_KEPT: KeptByDesign = sharedRules(
  'CNI-ISOLATION-STAGE-[12]\\b',
  "the firewall plugin's CNI-ISOLATION chains hold the bridges' own rules, shared by their workloads",
);
