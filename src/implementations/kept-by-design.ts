// What an implementation keeps, by design, after its workloads are removed, as patterns of host-state lines
// (src/evidence/host-state.ts), each with the implementation's reason: its bridge, forwarding turned on, its
// shared chains. A rule that names one container (a single address, a published port, a NAT target) or one
// network's own chain is that container's or network's, and must go.
import type { KeptByDesign } from '../results/leftovers.ts';

/** text as a regular expression matches it literally */
export const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** the bridge and its addresses */
export const bridgeKept = (bridge: string, why: string): KeptByDesign => ({
  matches: new RegExp(`^(link ${escaped(bridge)} \\(bridge\\)|address ${escaped(bridge)} \\S+)$`),
  why,
});

/** forwarding left on: IPv4's, and IPv6's unless the implementation never turns it on */
export const forwardingKept = (why: string, { ipv6 = true } = {}): KeptByDesign => ({
  matches: ipv6
    ? /^sysctl net\.ipv(4\.ip_forward|6\.conf\.all\.forwarding) = 1$/
    : /^sysctl net\.ipv4\.ip_forward = 1$/,
  why,
});

/** a rule about one container or port: a single address (not loopback's), a port, a NAT target */
const NOT_ABOUT_A_CONTAINER = String.raw`(?!.*(--dport|--to-destination|(?<!::1|127\.0\.0\.1)\/(32|128)\b))`;

/** the cell's iptables-save or ip6tables-save lines that mention `names` (and no single container), with why */
export function sharedRules(names: string, why: string, notOf = ''): KeptByDesign {
  const own = notOf ? `(?!.*${notOf})` : '';
  return { matches: new RegExp(`^ip6?tables-\\S+ (raw|filter|nat): ${NOT_ABOUT_A_CONTAINER}${own}.*(${names})`), why };
}
