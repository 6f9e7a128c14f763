// What `podman rm` of every container leaves, by design (measured in 4.3, 5.4 and 5.8, with either driver):
// netavark tears the network down with its last container (podman0, its address, its NETAVARK-<id> and nv_
// chains, every DNAT); what stays is netavark's own chains, shared by every network, and forwarding.
import type { KeptByDesign } from '../../results/leftovers.ts';
import { forwardingKept, sharedRules } from '../kept-by-design.ts';

/** a chain of one network: NETAVARK-1D8721804F16F, NETAVARK-DN-1D8721804F16F, nv_2f259bab_10_88_0_0_nm16 */
const ONE_NETWORKS = String.raw`NETAVARK-(DN-)?[0-9A-F]{8,}|nv_[0-9a-f]{8}_`;

const KEPT: readonly KeptByDesign[] = [
  // IPv6 too: its default network has none, but a network created with --ipv6 does (those of 5 and 6)
  forwardingKept(
    'netavark turns forwarding on for a network and never off: other networks and the host may rely on it',
  ),
  sharedRules(
    'NETAVARK',
    "netavark's own chains (HOSTPORT, FORWARD, INPUT, ISOLATION) and the jumps to them serve every network",
    ONE_NETWORKS,
  ),
  {
    matches: new RegExp(`^nft (table inet netavark|chain inet netavark (?!${ONE_NETWORKS})\\S+)$`),
    why: "netavark's nftables driver keeps its inet netavark table and base chains for every network",
  },
];

/**
 * Not by design, but measured in netavark 1.4, 1.14 and 1.17 with its iptables driver, its containers removed one
 * after the other: the network's DN chain stays declared, empty, after its last container goes. Data, so the run
 * says so (and shows the day a version removes it: the line is then simply not there).
 */
const EMPTY_DN_CHAIN: KeptByDesign = {
  matches: /^iptables-\S+ nat: :NETAVARK-DN-[0-9A-F]{8,} -$/,
  why:
    "netavark's iptables driver leaves the network's DN chain declared, empty (its rules go): a leak, harmless " +
    'while the chain is empty',
};

export const PODMAN_KEPT: readonly KeptByDesign[] = [...KEPT, EMPTY_DN_CHAIN];
