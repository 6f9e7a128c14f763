// What a bridge chain leaves after the DEL of its last workload, by design: state its network shares between
// workloads, which CNI has no command to remove (DEL is per attachment; a network is never deleted). Each line
// with the plugin's reason; anything else left is a leftover.
import type { KeptByDesign } from '../../results/leftovers.ts';
import { bridgeKept, escaped, forwardingKept } from '../kept-by-design.ts';
import { bridgeOf, type Conflist } from './conflist.ts';

/** a line of the cell's iptables-save or ip6tables-save, in a table, matching one of the alternatives */
const saved = (table: string, ...alternatives: string[]) =>
  new RegExp(`^ip6?tables-\\w+ ${table}: (${alternatives.join('|')})$`);

const FIREWALL_CHAINS: KeptByDesign = {
  matches: saved('filter', ':CNI-(FORWARD|ADMIN) -', '-A FORWARD .*-j CNI-FORWARD', '-A CNI-FORWARD .*-j CNI-ADMIN'),
  why: "the firewall plugin's CNI-FORWARD and CNI-ADMIN chains are shared; its DEL takes the workload's rules",
};
const PORTMAP_CHAINS: KeptByDesign = {
  matches: saved(
    'nat',
    ':CNI-HOSTPORT-(DNAT|MASQ|SETMARK) -',
    '-A (PREROUTING|OUTPUT|POSTROUTING) .*-j CNI-HOSTPORT-(DNAT|MASQ)',
    '-A CNI-HOSTPORT-(MASQ|SETMARK) .*',
  ),
  why: "portmap's CNI-HOSTPORT- chains are shared by every workload; its DEL takes the workload's CNI-DN- chain",
};

export function keptAfterDel(conflist: Conflist): KeptByDesign[] {
  const network = escaped(conflist.name);
  const types = new Set(conflist.plugins.map((plugin) => plugin.type));
  return [
    bridgeKept(
      bridgeOf(conflist),
      "the bridge plugin's DEL removes the workload's veth; the bridge and its gateway address serve the network",
    ),
    forwardingKept('the bridge plugin (isGateway) turns forwarding on and never off: other networks may rely on it'),
    {
      matches: new RegExp(`^file /var/lib/cni(/networks(/${network}(/last_reserved_ip\\.\\d+|/lock)?)?)?$`),
      why: "host-local keeps the network's folder and where it last allocated; a workload's address file goes",
    },
    ...(types.has('firewall') ? [FIREWALL_CHAINS] : []),
    ...(types.has('portmap') ? [PORTMAP_CHAINS] : []),
  ];
}
